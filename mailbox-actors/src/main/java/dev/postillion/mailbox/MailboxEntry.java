package dev.postillion.mailbox;

import dev.postillion.mailbox.proto.StoredMessage;
import java.time.Instant;

/**
 * One message of a mailbox as its listing shows it: what other modules are given instead of the
 * mailbox's stored record.
 *
 * @param from the From field as written; empty if it had none, as are {@code subject} and {@code messageId}
 * @param size octets of the message as stored, with our delivery fields
 * @param queueId the spool entry the copy came from
 */
public record MailboxEntry(long uid, String folder, String from, String subject, String messageId, long size,
        Instant received, String returnPath, String queueId) {

    static MailboxEntry of(StoredMessage record) {
        return new MailboxEntry(record.getUid(), record.getFolder(), record.getFrom(), record.getSubject(),
                record.getMessageId(), record.getSize(), Instant.ofEpochMilli(record.getReceivedEpochMillis()),
                record.getReturnPath(), record.getQueueId());
    }
}
