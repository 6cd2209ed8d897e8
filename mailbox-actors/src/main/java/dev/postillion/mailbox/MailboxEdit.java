package dev.postillion.mailbox;

import java.time.Instant;
import java.util.List;
import org.roaringbitmap.RoaringBitmap;

/**
 * A change a reader of the mailbox asks its {@link MailboxActor} to make: what IMAP's commands
 * (RFC 9051 section 6.3 and 6.4), POP3's DELE and the admin API's restore write. Folder names are
 * as {@link FolderName#canonical} gives them; uid sets are not modified once sent.
 */
public sealed interface MailboxEdit {

    /** Makes sure the mailbox's records exist (its default folders): the first login's step. */
    record Open() implements MailboxEdit {}

    record CreateFolder(String name) implements MailboxEdit {}

    /** Expunges its messages (kept for the retention period) and removes it; its children stay. */
    record DeleteFolder(String name) implements MailboxEdit {}

    /**
     * Renames the folder and those under it; renaming INBOX moves its messages to a new folder
     * and leaves INBOX empty (RFC 9051 section 6.3.6).
     */
    record RenameFolder(String from, String to) implements MailboxEdit {}

    record Subscribe(String name, boolean subscribed) implements MailboxEdit {}

    /** Adds a message a client gives (IMAP APPEND). */
    record Append(String folder, byte[] content, MessageFlags flags, Instant internalDate) implements MailboxEdit {}

    /**
     * Changes the flags of the messages of {@code uids}; with {@code unchangedSince} at 0 or more,
     * only of those whose modseq is not above it (RFC 7162 section 3.1.3), -1 for no such condition.
     */
    record SetFlags(String folder, RoaringBitmap uids, MessageFlags.Change change, MessageFlags flags,
            long unchangedSince) implements MailboxEdit {}

    record Copy(String folder, RoaringBitmap uids, String target) implements MailboxEdit {}

    record Move(String folder, RoaringBitmap uids, String target) implements MailboxEdit {}

    /** Expunges the messages flagged \Deleted, of {@code uids} only unless it is null (UID EXPUNGE). */
    record Expunge(String folder, RoaringBitmap uids) implements MailboxEdit {}

    /**
     * Puts a deleted message back into its folder, made again if it is gone, with a new uid and
     * without \Deleted.
     */
    record Restore(String deletedId) implements MailboxEdit {}

    /**
     * What an edit came to, or why it was refused.
     *
     * @param uidValidity of the folder written to (APPENDUID, COPYUID; RFC 4315)
     * @param sourceUids the messages copied or moved, in the order of {@code uids}
     * @param uids the uids given in the folder written to
     * @param changed messages of the edited folder whose flags changed, with their new modseq
     * @param modified for a conditional flag change, the messages left alone (RFC 7162 MODIFIED)
     * @param expunged messages the edit removed from the edited folder
     */
    record Edited(Refusal refusal, String folder, long uidValidity, List<Long> sourceUids, List<Long> uids,
            List<FlagsChanged> changed, List<Long> modified, List<Long> expunged) {

        static Edited refused(Refusal.Reason reason, String text) {
            return new Edited(new Refusal(reason, text), "", 0, List.of(), List.of(), List.of(), List.of(), List.of());
        }

        static Edited done() {
            return new Edited(null, "", 0, List.of(), List.of(), List.of(), List.of(), List.of());
        }

        public boolean succeeded() {
            return refusal == null;
        }
    }

    /** Why an edit was not made; the reasons follow IMAP's response codes (RFC 5530). */
    record Refusal(Reason reason, String text) {
        public enum Reason { NONEXISTENT, ALREADYEXISTS, TRYCREATE, CANNOT, UNAVAILABLE }
    }

    record FlagsChanged(long uid, MessageFlags flags, long modSeq) {}
}
