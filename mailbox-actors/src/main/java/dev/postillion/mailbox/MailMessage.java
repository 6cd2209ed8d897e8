package dev.postillion.mailbox;

import dev.postillion.mailbox.proto.MessageRecord;
import java.time.Instant;

/**
 * One message of a folder as readers see it, without its content.
 *
 * @param contentId where its content is kept ({@link MailStore#content}); copies share it
 * @param size octets of the message as stored, with our delivery fields
 * @param from the From field as written; empty if it had none, as are {@code subject} and {@code messageId}
 * @param queueId the spool entry a delivered copy came from; empty for a message a client appended
 */
public record MailMessage(long uid, long contentId, MessageFlags flags, Instant internalDate, long size, long modSeq,
        String from, String subject, String messageId, String returnPath, String queueId) {

    static MailMessage of(MessageRecord record) {
        return new MailMessage(record.getUid(), record.getContentId(),
                new MessageFlags(record.getFlags(), record.getKeywordsList()),
                Instant.ofEpochMilli(record.getInternalDateMillis()), record.getSize(), record.getModseq(),
                record.getFrom(), record.getSubject(), record.getMessageId(), record.getReturnPath(),
                record.getQueueId());
    }
}
