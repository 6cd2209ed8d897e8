package dev.postillion.mailbox;

import static dev.postillion.mailbox.MailboxFixture.ADDRESS;
import static dev.postillion.mailbox.MailboxFixture.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.core.Keys;
import dev.postillion.core.Store.Durability;
import dev.postillion.core.StoreBatch;
import dev.postillion.mailbox.proto.StoredMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mailbox stored by the first model (one uid counter per address, spam in "Spam") is moved into
 * folders when its actor first starts: nothing is lost, uids and content stay, Spam becomes Junk.
 */
class MailboxMigrationTest {

    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final Instant RECEIVED = Instant.parse("2025-11-02T10:00:00Z");

    @TempDir Path dir;

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    @Test
    void aFirstModelMailboxMovesIntoInboxAndJunkKeepingUidsAndContent() {
        try (MailboxFixture mailbox = new MailboxFixture(testKit, dir)) {
            StoreBatch legacy = new StoreBatch();
            legacyMessage(legacy, 1, "INBOX", "first");
            legacyMessage(legacy, 2, "Spam", "cheap pills");
            legacyMessage(legacy, 4, "INBOX", "third"); // uid 3 was never stored: a redirect kept no copy
            legacy.put(MailboxFamilies.LEGACY_STATE, Keys.text(ADDRESS), MailStore.longValue(5));
            join(mailbox.store.commit(legacy, Durability.SYNC));

            mailbox.restart();
            mailbox.done(new MailboxEdit.Open());

            assertEquals(List.of(1L, 4L), mailbox.uids("INBOX"));
            assertEquals(List.of("first", "third"), mailbox.messages("INBOX").stream().map(MailMessage::subject).toList());
            assertEquals(List.of("cheap pills"), mailbox.messages("Junk").stream().map(MailMessage::subject).toList());
            MailMessage first = mailbox.messages("INBOX").get(0);
            assertEquals(RECEIVED, first.internalDate());
            assertEquals("Subject: first\r\n\r\nfirst\r\n", mailbox.content(first));
            assertEquals("<bob@example.org>", first.returnPath());
            assertEquals(5, mailbox.folder("INBOX").uidNext());
            assertEquals(2, mailbox.folder("INBOX").unseen());
            assertTrue(mailbox.folderNames().containsAll(List.of("Sent", "Drafts", "Trash", "Archive")));

            byte[] prefix = Keys.text(ADDRESS);
            assertEquals(List.of(), join(mailbox.store.prefix(MailboxFamilies.LEGACY_INDEX, prefix, 10)));
            assertTrue(join(mailbox.store.read(MailboxFamilies.LEGACY_STATE, prefix)).isEmpty());

            long uid = mailbox.append("INBOX", "after", MessageFlags.NONE);
            assertEquals(5, uid);
            assertEquals(5, mailbox.messages("INBOX").get(2).contentId(), "content ids go on from the old counter");
        }
    }

    private static void legacyMessage(StoreBatch batch, long uid, String folder, String subject) {
        byte[] key = Keys.textAndLong(ADDRESS, uid);
        byte[] content = ("Subject: " + subject + "\r\n\r\n" + subject + "\r\n").getBytes(StandardCharsets.UTF_8);
        batch.put(MailboxFamilies.LEGACY_INDEX, key, StoredMessage.newBuilder().setUid(uid).setFolder(folder)
                .setSubject(subject).setSize(content.length).setReceivedEpochMillis(RECEIVED.toEpochMilli())
                .setReturnPath("<bob@example.org>").setQueueId("").build().toByteArray())
                .put(MailboxFamilies.MAILBOX_CONTENT, key, content);
    }
}
