package dev.postillion.mailbox;

import dev.postillion.core.MutableClock;
import dev.postillion.core.QueueIdGenerator;
import dev.postillion.core.Store;
import dev.postillion.core.TestStores;
import dev.postillion.mailbox.srs.Srs;
import dev.postillion.queue.QueueManager;
import dev.postillion.queue.Spool;
import dev.postillion.queue.SpoolFamilies;
import dev.postillion.queue.SpoolStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A store, a directory holding {@link #ADDRESS} and the {@link MailboxActor} of that address, for
 * the tests of folders and edits: the real actor on a real store, only the queue a probe.
 */
final class MailboxFixture implements AutoCloseable {

    static final String ADDRESS = "anna@example.com";
    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    static final Duration RETENTION = Duration.ofDays(30);

    final MutableClock clock = new MutableClock(START);
    final Store store;
    final MailStore mailStore;
    final Directory directory;
    final MailboxContext context;
    private final ActorTestKit testKit;
    private final TestProbe<MailboxEdit.Edited> edits;
    ActorRef<MailboxActor.Command> mailbox;

    MailboxFixture(ActorTestKit testKit, Path dir) {
        this.testKit = testKit;
        store = TestStores.open(dir, MailboxFamilies.ALL, SpoolFamilies.ALL);
        mailStore = new MailStore(store);
        directory = new Directory(store, clock, new Directory.Settings(8, new PasswordHash.Cost(64, 1, 1), 50, 20, 50,
                Duration.ofHours(24), 1000));
        join(directory.createDomain("example.com"));
        join(directory.createAddress("example.com", "anna", "secret-password", Address.Type.MAILBOX));
        Spool spool = new Spool(new SpoolStore(store, TestStores.SPOOL_KEY), new QueueIdGenerator(clock),
                CompletableFuture.completedFuture(testKit.createTestProbe(QueueManager.Command.class).getRef()));
        Srs srs = new Srs(List.of("test-secret".getBytes(StandardCharsets.UTF_8)), clock, Duration.ofDays(21),
                directory::hosts);
        context = new MailboxContext(store, clock, directory, spool, srs, "mx.test",
                new Mailboxes.Settings(Duration.ofSeconds(5), Duration.ofDays(30), 50, Duration.ofDays(7), RETENTION));
        edits = testKit.createTestProbe(MailboxEdit.Edited.class);
        mailbox = spawn();
    }

    ActorRef<MailboxActor.Command> spawn() {
        return testKit.spawn(MailboxActor.create(ADDRESS, context));
    }

    /** A new incarnation of the mailbox, as after passivation: it reads its state again. */
    void restart() {
        testKit.stop(mailbox);
        mailbox = spawn();
    }

    MailboxEdit.Edited edit(MailboxEdit edit) {
        return edit(mailbox, edit);
    }

    MailboxEdit.Edited edit(ActorRef<MailboxActor.Command> writer, MailboxEdit edit) {
        writer.tell(new MailboxActor.Edit(edit, edits.getRef()));
        return edits.receiveMessage(Duration.ofSeconds(10));
    }

    /** Edits that must succeed. */
    MailboxEdit.Edited done(MailboxEdit edit) {
        MailboxEdit.Edited edited = edit(edit);
        if (!edited.succeeded()) {
            throw new AssertionError(edit + " refused: " + edited.refusal());
        }
        return edited;
    }

    /** Appends a message with {@code subject} and returns its uid. */
    long append(String folder, String subject, MessageFlags flags) {
        return done(new MailboxEdit.Append(folder, message(subject), flags, clock.instant())).uids().get(0);
    }

    static byte[] message(String subject) {
        return ("From: Bob <bob@example.org>\r\nSubject: " + subject + "\r\n\r\nAbout " + subject + ".\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    Folder folder(String name) {
        return join(mailStore.folder(ADDRESS, name)).orElseThrow(() -> new AssertionError("no folder " + name));
    }

    List<String> folderNames() {
        return join(mailStore.folders(ADDRESS)).stream().map(Folder::name).toList();
    }

    List<MailMessage> messages(String folder) {
        return join(mailStore.messages(ADDRESS, folder(folder).id(), 1, Long.MAX_VALUE - 1, Integer.MAX_VALUE));
    }

    List<Long> uids(String folder) {
        return messages(folder).stream().map(MailMessage::uid).toList();
    }

    String subject(String folder, long uid) {
        return join(mailStore.message(ADDRESS, folder(folder).id(), uid)).orElseThrow().subject();
    }

    String content(MailMessage message) {
        return new String(join(mailStore.content(ADDRESS, message.contentId())).orElseThrow(), StandardCharsets.UTF_8);
    }

    static <T> T join(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    @Override
    public void close() {
        testKit.stop(mailbox);
        directory.close();
        store.close();
    }
}
