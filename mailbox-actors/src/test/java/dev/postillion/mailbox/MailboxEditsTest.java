package dev.postillion.mailbox;

import static dev.postillion.mailbox.MailboxFixture.ADDRESS;
import static dev.postillion.mailbox.MailboxFixture.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.mailbox.MailboxEdit.Edited;
import dev.postillion.mailbox.MailboxEdit.Refusal.Reason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

/** Folders, flags, copies, moves, expunges and restores, as IMAP and the admin API ask them of a mailbox. */
class MailboxEditsTest {

    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final MessageFlags SEEN = new MessageFlags(MessageFlags.SEEN, List.of());
    private static final MessageFlags DELETED = new MessageFlags(MessageFlags.DELETED, List.of());

    @TempDir Path dir;
    private MailboxFixture mailbox;

    @BeforeEach
    void open() {
        mailbox = new MailboxFixture(testKit, dir);
    }

    @AfterEach
    void close() {
        mailbox.close();
    }

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    @Test
    void aMailboxOpensWithTheDefaultFoldersAndTheirSpecialUses() {
        assertEquals(List.of(), join(mailbox.mailStore.folders(ADDRESS)), "nothing is written before it opens");
        mailbox.done(new MailboxEdit.Open());
        List<Folder> folders = join(mailbox.mailStore.folders(ADDRESS));
        assertEquals(Map.of("INBOX", "", "Sent", "Sent", "Drafts", "Drafts", "Trash", "Trash", "Junk", "Junk",
                "Archive", "Archive"), folders.stream().collect(Collectors.toMap(Folder::name, Folder::specialUse)));
        assertTrue(folders.stream().allMatch(Folder::subscribed));
        assertEquals(6, folders.stream().map(Folder::uidValidity).distinct().count(), "UIDVALIDITY differs per folder");
        assertTrue(folders.stream().allMatch(folder -> folder.uidNext() == 1 && folder.messages() == 0));
    }

    @Test
    void foldersAreCreatedUnderParentsThatNeedNotExist() {
        mailbox.done(new MailboxEdit.CreateFolder("Projects/2026/Q1"));
        assertTrue(mailbox.folderNames().contains("Projects/2026/Q1"));
        assertFalse(mailbox.folderNames().contains("Projects"), "the parent is not made: IMAP lists it \\NonExistent");
        assertRefused(Reason.ALREADYEXISTS, "folder Projects/2026/Q1 exists already",
                mailbox.edit(new MailboxEdit.CreateFolder("Projects/2026/Q1")));
        assertRefused(Reason.CANNOT, "a folder name cannot start or end with '/' or have an empty level",
                mailbox.edit(new MailboxEdit.CreateFolder("Projects//x")));
        assertRefused(Reason.CANNOT, "a folder name cannot contain control characters, '*' or '%'",
                mailbox.edit(new MailboxEdit.CreateFolder("50%")));
    }

    @Test
    void appendGivesTheNextUidAndKeepsFlagsAndDate() {
        mailbox.done(new MailboxEdit.Open());
        Edited first = mailbox.done(new MailboxEdit.Append("Sent", MailboxFixture.message("one"), SEEN,
                MailboxFixture.START.minus(Duration.ofDays(3))));
        Edited second = mailbox.done(new MailboxEdit.Append("Sent", MailboxFixture.message("two"),
                MessageFlags.NONE, MailboxFixture.START));
        assertEquals(List.of(1L), first.uids());
        assertEquals(List.of(2L), second.uids());
        assertEquals(mailbox.folder("Sent").uidValidity(), first.uidValidity(), "APPENDUID names the folder's validity");

        Folder sent = mailbox.folder("Sent");
        assertEquals(3, sent.uidNext());
        assertEquals(2, sent.messages());
        assertEquals(1, sent.unseen());
        MailMessage one = mailbox.messages("Sent").get(0);
        assertEquals(SEEN, one.flags());
        assertEquals(MailboxFixture.START.minus(Duration.ofDays(3)), one.internalDate());
        assertEquals("one", one.subject());
        assertEquals(new String(MailboxFixture.message("one")), mailbox.content(one));
        assertEquals(MailboxFixture.message("one").length, one.size());

        assertRefused(Reason.TRYCREATE, "no folder Ideas", mailbox.edit(new MailboxEdit.Append("Ideas",
                MailboxFixture.message("x"), MessageFlags.NONE, MailboxFixture.START)));
    }

    @Test
    void aFolderIsReadFromAUidOnAtMostALimitAtATime() {
        for (int i = 1; i <= 5; i++) {
            mailbox.append("INBOX", "m" + i, MessageFlags.NONE);
        }
        assertEquals(List.of(3L, 4L), join(mailbox.mailStore.messages(ADDRESS, mailbox.folder("INBOX").id(), 3, 10, 2))
                .stream().map(MailMessage::uid).toList());
    }

    @Test
    void flagChangesAdvanceTheModseqAndTheCounts() {
        long uid = mailbox.append("INBOX", "hello", MessageFlags.NONE);
        long before = mailbox.folder("INBOX").highestModSeq();
        MessageFlags label = new MessageFlags(MessageFlags.SEEN, List.of("$Label1"));

        Edited added = mailbox.done(new MailboxEdit.SetFlags("INBOX", uids(uid), MessageFlags.Change.ADD, label, -1));
        assertEquals(1, added.changed().size());
        assertEquals(label, added.changed().get(0).flags());
        assertEquals(before + 1, added.changed().get(0).modSeq());
        Folder inbox = mailbox.folder("INBOX");
        assertEquals(before + 1, inbox.highestModSeq());
        assertEquals(0, inbox.unseen());
        assertEquals(List.of("$Label1"), inbox.keywords());
        assertEquals(List.of(uid), join(mailbox.mailStore.changedSince(ADDRESS, inbox.id(), before, 10)));
        assertEquals(List.of(), join(mailbox.mailStore.changedSince(ADDRESS, inbox.id(), before + 1, 10)));

        Edited same = mailbox.done(new MailboxEdit.SetFlags("INBOX", uids(uid), MessageFlags.Change.ADD,
                new MessageFlags(0, List.of("$label1")), -1));
        assertEquals(List.of(), same.changed(), "keywords compare without case: nothing changes, no modseq spent");

        Edited removed = mailbox.done(new MailboxEdit.SetFlags("INBOX", uids(uid), MessageFlags.Change.REMOVE,
                label, -1));
        assertEquals(MessageFlags.NONE, removed.changed().get(0).flags());
        assertEquals(1, mailbox.folder("INBOX").unseen());
    }

    @Test
    void aConditionalFlagChangeLeavesMessagesChangedSinceAlone() {
        long first = mailbox.append("INBOX", "one", MessageFlags.NONE);
        long second = mailbox.append("INBOX", "two", MessageFlags.NONE);
        long firstModSeq = mailbox.messages("INBOX").get(0).modSeq();
        Edited edited = mailbox.done(new MailboxEdit.SetFlags("INBOX", uids(first, second), MessageFlags.Change.ADD,
                SEEN, firstModSeq));
        assertEquals(List.of(second), edited.modified(), "RFC 7162 MODIFIED: changed after UNCHANGEDSINCE");
        assertEquals(List.of(first), edited.changed().stream().map(MailboxEdit.FlagsChanged::uid).toList());
    }

    @Test
    void copiesShareTheirContentAndKeepFlags() {
        long uid = mailbox.append("INBOX", "keep", SEEN);
        Edited copied = mailbox.done(new MailboxEdit.Copy("INBOX", uids(uid), "Archive"));
        assertEquals(List.of(uid), copied.sourceUids());
        assertEquals(List.of(1L), copied.uids());
        assertEquals(mailbox.folder("Archive").uidValidity(), copied.uidValidity(), "COPYUID names the target");
        MailMessage original = mailbox.messages("INBOX").get(0);
        MailMessage copy = mailbox.messages("Archive").get(0);
        assertEquals(original.contentId(), copy.contentId());
        assertEquals(SEEN, copy.flags());
        assertEquals(1, mailbox.folder("INBOX").messages(), "a copy leaves the original");

        assertRefused(Reason.TRYCREATE, "no folder Elsewhere",
                mailbox.edit(new MailboxEdit.Copy("INBOX", uids(uid), "Elsewhere")));
        assertRefused(Reason.NONEXISTENT, "no folder Nowhere",
                mailbox.edit(new MailboxEdit.Copy("Nowhere", uids(uid), "Archive")));
    }

    @Test
    void aMoveTakesTheMessagesOutOfTheSourceWithTheirContent() {
        long one = mailbox.append("INBOX", "one", MessageFlags.NONE);
        long two = mailbox.append("INBOX", "two", MessageFlags.NONE);
        long contentId = mailbox.messages("INBOX").get(1).contentId();
        Edited moved = mailbox.done(new MailboxEdit.Move("INBOX", uids(two), "Trash"));
        assertEquals(List.of(two), moved.expunged());
        assertEquals(List.of(1L), moved.uids());
        assertEquals(List.of(one), mailbox.uids("INBOX"));
        assertEquals(contentId, mailbox.messages("Trash").get(0).contentId());
        assertEquals(bitmap(one), join(mailbox.mailStore.uids(ADDRESS, mailbox.folder("INBOX").id())));
        assertEquals(1, mailbox.folder("INBOX").unseen());
        assertEquals(1, mailbox.folder("Trash").unseen());
        assertEquals(List.of(), join(mailbox.mailStore.deleted(ADDRESS, 10)), "a move deletes nothing");
    }

    @Test
    void expungeRemovesOnlyDeletedMessagesAndKeepsThemForRestore() {
        long one = mailbox.append("INBOX", "one", DELETED);
        long two = mailbox.append("INBOX", "two", MessageFlags.NONE);
        long three = mailbox.append("INBOX", "three", MessageFlags.NONE);
        mailbox.done(new MailboxEdit.SetFlags("INBOX", uids(three), MessageFlags.Change.ADD, DELETED, -1));

        Edited onlyThree = mailbox.done(new MailboxEdit.Expunge("INBOX", uids(two, three)));
        assertEquals(List.of(three), onlyThree.expunged(), "UID EXPUNGE: the set's deleted messages only");
        mailbox.clock.advance(Duration.ofMinutes(1));
        Edited rest = mailbox.done(new MailboxEdit.Expunge("INBOX", null));
        assertEquals(List.of(one), rest.expunged());
        assertEquals(List.of(two), mailbox.uids("INBOX"));
        assertEquals(bitmap(two), join(mailbox.mailStore.uids(ADDRESS, mailbox.folder("INBOX").id())));
        assertEquals(1, mailbox.folder("INBOX").messages());

        List<DeletedMessage> deleted = join(mailbox.mailStore.deleted(ADDRESS, 10));
        assertEquals(List.of("three", "one"), deleted.stream().map(message -> message.message().subject()).toList());
        assertTrue(deleted.stream().allMatch(message -> message.folder().equals("INBOX")));

        Edited restored = mailbox.done(new MailboxEdit.Restore(deleted.get(1).id()));
        assertEquals("INBOX", restored.folder());
        assertEquals(List.of(4L), restored.uids(), "a restored message gets a new uid: clients never see one reused");
        assertEquals("one", mailbox.subject("INBOX", 4));
        assertEquals("About one.", mailbox.content(mailbox.messages("INBOX").get(1)).lines().reduce((a, b) -> b)
                .orElseThrow());
        assertEquals(1, join(mailbox.mailStore.deleted(ADDRESS, 10)).size());
        assertRefused(Reason.NONEXISTENT, "no deleted message " + deleted.get(1).id(),
                mailbox.edit(new MailboxEdit.Restore(deleted.get(1).id())));
        assertRefused(Reason.NONEXISTENT, "no deleted message x.y", mailbox.edit(new MailboxEdit.Restore("x.y")));
    }

    @Test
    void deletedMessagesAreDestroyedAfterTheRetentionUnlessACopySharesTheContent() {
        long copied = mailbox.append("INBOX", "copied", DELETED);
        long alone = mailbox.append("INBOX", "alone", DELETED);
        mailbox.done(new MailboxEdit.Copy("INBOX", uids(copied), "Archive"));
        List<MailMessage> inbox = mailbox.messages("INBOX");
        mailbox.done(new MailboxEdit.Expunge("INBOX", null));

        mailbox.clock.advance(MailboxFixture.RETENTION.minusHours(1));
        mailbox.restart();
        mailbox.done(new MailboxEdit.Open());
        assertEquals(2, join(mailbox.mailStore.deleted(ADDRESS, 10)).size(), "within the retention: kept");

        mailbox.clock.advance(Duration.ofHours(2));
        mailbox.restart();
        mailbox.done(new MailboxEdit.Open());
        assertEquals(List.of(), join(mailbox.mailStore.deleted(ADDRESS, 10)));
        assertTrue(join(mailbox.mailStore.content(ADDRESS, inbox.get(1).contentId())).isEmpty(), "alone: destroyed");
        assertEquals("copied", mailbox.messages("Archive").get(0).subject());
        assertTrue(join(mailbox.mailStore.content(ADDRESS, inbox.get(0).contentId())).isPresent(),
                "shared with the copy in Archive: kept");
        assertNotEquals(copied, alone);
    }

    @Test
    void deletingAFolderKeepsItsMessagesForRestoreAndItsChildren() {
        mailbox.done(new MailboxEdit.CreateFolder("Projects"));
        mailbox.done(new MailboxEdit.CreateFolder("Projects/Old"));
        mailbox.append("Projects", "plan", MessageFlags.NONE);
        Edited deleted = mailbox.done(new MailboxEdit.DeleteFolder("Projects"));
        assertEquals(List.of(1L), deleted.expunged());
        assertFalse(mailbox.folderNames().contains("Projects"));
        assertTrue(mailbox.folderNames().contains("Projects/Old"));

        DeletedMessage plan = join(mailbox.mailStore.deleted(ADDRESS, 10)).get(0);
        assertEquals("Projects", plan.folder());
        Edited restored = mailbox.done(new MailboxEdit.Restore(plan.id()));
        assertEquals("Projects", restored.folder(), "its folder is made again");
        assertEquals(List.of(1L), mailbox.uids("Projects"));

        assertRefused(Reason.CANNOT, "INBOX cannot be deleted", mailbox.edit(new MailboxEdit.DeleteFolder("INBOX")));
        assertRefused(Reason.NONEXISTENT, "no folder Gone", mailbox.edit(new MailboxEdit.DeleteFolder("Gone")));
    }

    @Test
    void renamingMovesTheChildrenAndKeepsUidValidity() {
        mailbox.done(new MailboxEdit.CreateFolder("Work"));
        mailbox.done(new MailboxEdit.CreateFolder("Work/Clients"));
        long uid = mailbox.append("Work/Clients", "contract", MessageFlags.NONE);
        long validity = mailbox.folder("Work/Clients").uidValidity();
        mailbox.done(new MailboxEdit.RenameFolder("Work", "Jobs"));
        assertTrue(mailbox.folderNames().containsAll(List.of("Jobs", "Jobs/Clients")));
        assertFalse(mailbox.folderNames().contains("Work"));
        assertFalse(mailbox.folderNames().contains("Work/Clients"));
        assertEquals(validity, mailbox.folder("Jobs/Clients").uidValidity());
        assertEquals("contract", mailbox.subject("Jobs/Clients", uid));

        assertRefused(Reason.ALREADYEXISTS, "folder Sent exists already",
                mailbox.edit(new MailboxEdit.RenameFolder("Jobs", "Sent")));
        assertRefused(Reason.CANNOT, "a folder cannot be renamed into itself",
                mailbox.edit(new MailboxEdit.RenameFolder("Jobs", "Jobs/Sub")));
        assertRefused(Reason.NONEXISTENT, "no folder Work", mailbox.edit(new MailboxEdit.RenameFolder("Work", "X")));
    }

    @Test
    void renamingInboxMovesItsMessagesAndLeavesAnEmptyInbox() {
        mailbox.append("INBOX", "old mail", MessageFlags.NONE);
        long validity = mailbox.folder("INBOX").uidValidity();
        mailbox.done(new MailboxEdit.RenameFolder("INBOX", "Old"));
        assertEquals(List.of("old mail"), mailbox.messages("Old").stream().map(MailMessage::subject).toList());
        assertEquals(validity, mailbox.folder("Old").uidValidity());
        assertEquals(0, mailbox.folder("INBOX").messages());
        assertNotEquals(validity, mailbox.folder("INBOX").uidValidity(), "a new INBOX: a new UIDVALIDITY");
    }

    @Test
    void subscriptionsAreKept() {
        mailbox.done(new MailboxEdit.Subscribe("Archive", false));
        assertFalse(mailbox.folder("Archive").subscribed());
        mailbox.done(new MailboxEdit.Subscribe("Archive", true));
        assertTrue(mailbox.folder("Archive").subscribed());
        assertRefused(Reason.NONEXISTENT, "no folder None", mailbox.edit(new MailboxEdit.Subscribe("None", true)));
    }

    @Test
    void editsSurviveANewIncarnation() {
        long uid = mailbox.append("INBOX", "kept", MessageFlags.NONE);
        mailbox.done(new MailboxEdit.SetFlags("INBOX", uids(uid), MessageFlags.Change.ADD, SEEN, -1));
        mailbox.restart();
        assertEquals(List.of(2L), mailbox.done(new MailboxEdit.Append("INBOX", MailboxFixture.message("next"),
                MessageFlags.NONE, MailboxFixture.START)).uids());
        assertEquals(1, mailbox.folder("INBOX").unseen());
        assertEquals(SEEN, mailbox.messages("INBOX").get(0).flags());
    }

    /** A second writer of the mailbox, as another node during a shard handover: refused, nothing written twice. */
    @Test
    void aStaleWriterIsRefusedAndReadsTheStateAgain() {
        mailbox.append("INBOX", "first", MessageFlags.NONE);
        ActorRef<MailboxActor.Command> stale = mailbox.spawn();
        mailbox.edit(stale, new MailboxEdit.Open()); // it has read the state now
        mailbox.append("INBOX", "second", MessageFlags.NONE);

        Edited refused = mailbox.edit(stale, new MailboxEdit.Append("INBOX", MailboxFixture.message("stale"),
                MessageFlags.NONE, MailboxFixture.START));
        assertRefused(Reason.UNAVAILABLE, "the mailbox is unavailable, try again", refused);
        Edited retried = mailbox.edit(stale, new MailboxEdit.Append("INBOX", MailboxFixture.message("stale"),
                MessageFlags.NONE, MailboxFixture.START));
        assertEquals(List.of(3L), retried.uids());
        assertEquals(List.of("first", "second", "stale"),
                mailbox.messages("INBOX").stream().map(MailMessage::subject).toList());
        testKit.stop(stale);
    }

    private static void assertRefused(Reason reason, String text, Edited edited) {
        assertEquals(new MailboxEdit.Refusal(reason, text), edited.refusal());
    }

    private static RoaringBitmap uids(long... uids) {
        return bitmap(uids);
    }

    private static RoaringBitmap bitmap(long... uids) {
        RoaringBitmap bitmap = new RoaringBitmap();
        for (long uid : uids) {
            bitmap.add((int) uid);
        }
        return bitmap;
    }
}
