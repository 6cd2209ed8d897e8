package dev.postillion.mailbox;

import dev.postillion.mailbox.proto.FolderRecord;
import java.util.List;

/**
 * A folder of a mailbox as readers see it: IMAP's per-folder state (RFC 3501 section 2.3.1.1,
 * RFC 7162 section 3.1.2) and its counts.
 *
 * @param specialUse its RFC 6154 attribute without the backslash, empty for a user's folder
 * @param keywords the keywords its messages have had, for IMAP's FLAGS
 * @param deleted how many of its messages are flagged \Deleted (IMAP's STATUS DELETED, RFC 9051)
 * @param size the octets of its messages (IMAP's STATUS SIZE, RFC 8438)
 */
public record Folder(String name, long id, long uidValidity, long uidNext, long highestModSeq, String specialUse,
        boolean subscribed, long messages, long unseen, List<String> keywords, long deleted, long size) {

    static Folder of(String name, FolderRecord record) {
        return new Folder(name, record.getId(), record.getUidValidity(), record.getUidNext(),
                record.getHighestModseq(), record.getSpecialUse(), record.getSubscribed(), record.getMessages(),
                record.getUnseen(), List.copyOf(record.getKeywordsList()),
                MailStore.bitmap(record.getDeleted().toByteArray()).getLongCardinality(), record.getSize());
    }
}
