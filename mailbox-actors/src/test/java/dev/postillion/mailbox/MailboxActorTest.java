package dev.postillion.mailbox;

import dev.postillion.queue.SpoolFamilies;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.Envelope;
import dev.postillion.core.MutableClock;
import dev.postillion.core.QueueId;
import dev.postillion.core.QueueIdGenerator;
import dev.postillion.core.Store;
import dev.postillion.core.StoreBatch;
import dev.postillion.core.StoreException;
import dev.postillion.core.StoreFamily;
import dev.postillion.core.TestStores;
import dev.postillion.mailbox.responder.Responder;
import dev.postillion.mailbox.MailboxActor.Delivered;
import dev.postillion.mailbox.responder.ResponderMemory;
import dev.postillion.mailbox.srs.Srs;
import dev.postillion.queue.QueueManager;
import dev.postillion.queue.Spool;
import dev.postillion.queue.SpoolStore;
import dev.postillion.queue.SpoolStore.QueuedMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MailboxActorTest {

    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final String ADDRESS = "anna@example.com";
    private static final String RETURN_PATH = "<bob@example.org>";
    private static final String PASSWORD = "secret-password";
    private static final String MESSAGE = "From: Bob <bob@example.org>\r\nTo: anna@example.com\r\nSubject: Lunch\r\n"
            + "Message-ID: <1@example.org>\r\n"
            + "\r\nAt noon?\r\n";

    private static final Envelope ENVELOPE = new Envelope(Optional.of(EmailAddress.parse("bob@example.org", false)),
            Map.of(), List.of(new Envelope.Recipient(EmailAddress.parse(ADDRESS, false), Map.of())),
            "client.example.org", "192.0.2.1", Instant.parse("2026-01-01T00:00:00Z"), false);

    @TempDir Path dir;
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration MEMORY = Duration.ofDays(30);
    private final MutableClock clock = new MutableClock(START);
    private Store store;
    private MailStore mailStore;
    private Directory directory;
    private TestProbe<QueueManager.Command> queue;
    private MailboxContext context;
    private ActorRef<MailboxActor.Command> mailbox;
    private TestProbe<Delivered> replies;

    @BeforeEach
    void start() {
        openStore();
        join(directory.createDomain("example.com"));
        join(directory.createAddress("example.com", "anna", PASSWORD, Address.Type.MAILBOX));
        mailbox = testKit.spawn(MailboxActor.create(ADDRESS, context));
        replies = testKit.createTestProbe(Delivered.class);
    }

    private void openStore() {
        store = TestStores.open(dir, MailboxFamilies.ALL, SpoolFamilies.ALL);
        mailStore = new MailStore(store);
        directory = new Directory(store, clock, new Directory.Settings(8, new PasswordHash.Cost(64, 1, 1), 50, 20, 50, Duration.ofHours(24), 1000));
        queue = testKit.createTestProbe(QueueManager.Command.class);
        Spool spool = new Spool(new SpoolStore(store, TestStores.SPOOL_KEY), new QueueIdGenerator(clock),
                CompletableFuture.completedFuture(queue.getRef()));
        Srs srs = new Srs(List.of("test-secret".getBytes(StandardCharsets.UTF_8)), clock, Duration.ofDays(21),
                directory::hosts);
        context = new MailboxContext(store, clock, directory, spool, srs, "mx.test",
                new Mailboxes.Settings(Duration.ofSeconds(5), MEMORY, 50, Duration.ofDays(7), Duration.ofDays(30)));
    }

    @AfterEach
    void stop() {
        testKit.stop(mailbox);
        directory.close();
        store.close();
    }

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    @Test
    void deliveriesGetIncreasingUidsFromOne() {
        assertEquals(1, deliver(id(1), 0));
        assertEquals(2, deliver(id(2), 0));
        assertEquals(3, deliver(id(2), 1));
        assertEquals(List.of(1L, 2L, 3L), storedUids());
    }

    @Test
    void storedMessageStartsWithReturnPathAndDeliveredTo() {
        long uid = deliver(id(1), 0);
        String stored = new String(join(mailStore.content(ADDRESS, uid)).orElseThrow(), StandardCharsets.UTF_8);
        assertEquals("Return-Path: " + RETURN_PATH + "\r\nDelivered-To: " + ADDRESS + "\r\n" + MESSAGE, stored);
    }

    @Test
    void listingSummarisesTheMessage() {
        deliver(id(1), 0);
        MailMessage message = messages(FolderName.INBOX).get(0);
        assertEquals("Bob <bob@example.org>", message.from());
        assertEquals("Lunch", message.subject());
        assertEquals("<1@example.org>", message.messageId());
        assertEquals(RETURN_PATH, message.returnPath());
        assertEquals(id(1).toString(), message.queueId());
        assertEquals(clock.millis(), message.internalDate().toEpochMilli());
        assertEquals(MessageFlags.NONE, message.flags());
        assertEquals(join(mailStore.content(ADDRESS, 1)).orElseThrow().length, message.size());
    }

    @Test
    void redeliveryAnswersTheFirstUidAndStoresOnce() {
        long first = deliver(id(1), 0);
        assertEquals(first, deliver(id(1), 0));
        assertEquals(List.of(first), storedUids());
    }

    @Test
    void sameDeliveryTwiceInOneBatchIsStoredOnce() {
        mailbox.tell(deliverCommand(id(1), 0));
        mailbox.tell(deliverCommand(id(2), 0));
        mailbox.tell(deliverCommand(id(2), 0));
        List<Delivered> answers = replies.receiveSeveralMessages(3);
        assertEquals(List.of(1L, 2L, 2L), answers.stream().map(Delivered::contentId).toList());
        assertTrue(answers.stream().allMatch(Delivered::stored));
        assertEquals(List.of(1L, 2L), storedUids());
    }

    @Test
    void redeliveryAfterRestartAnswersTheFirstUid() {
        long first = deliver(id(1), 0);
        deliver(id(2), 0);
        restart();
        assertEquals(first, deliver(id(1), 0));
        assertEquals(3, deliver(id(3), 0));
        assertEquals(List.of(1L, 2L, 3L), storedUids());
    }

    @Test
    void passivationWaitsForTheWriteInFlightSoTheNextIncarnationContinuesTheUids() {
        TestProbe<Object> watcher = testKit.createTestProbe();
        mailbox.tell(deliverCommand(id(1), 0));
        mailbox.tell(new MailboxActor.Passivate());
        assertEquals(1, replies.receiveMessage().contentId());
        watcher.expectTerminated(mailbox);

        mailbox = testKit.spawn(MailboxActor.create(ADDRESS, context));
        assertEquals(2, deliver(id(2), 0));
    }

    @Test
    void deliveryRecordsOlderThanTheMemoryAreForgottenAtTheNextActivation() {
        deliver(id(1), 0);
        clock.advance(MEMORY.plusDays(1));
        restart();
        QueueId recent = QueueId.firstAt(clock.instant());
        deliver(recent, 0);

        assertEquals(-1, join(mailStore.deliveredContent(ADDRESS, id(1), 0)));
        assertEquals(2, join(mailStore.deliveredContent(ADDRESS, recent, 0)));
        assertEquals(List.of(1L, 2L), storedUids());
    }

    @Test
    void restartOnAReopenedStoreContinuesTheUids() {
        deliver(id(1), 0);
        testKit.stop(mailbox);
        directory.close();
        store.close();
        openStore();
        mailbox = testKit.spawn(MailboxActor.create(ADDRESS, context));
        assertEquals(1, deliver(id(1), 0));
        assertEquals(2, deliver(id(2), 0));
    }

    @Test
    void sameQueueIdForAnotherRecipientIsAnotherMessage() {
        assertEquals(1, deliver(id(1), 0));
        assertEquals(2, deliver(id(1), 1));
    }

    @Test
    void purgeRemovesEverythingAndUidsRestart() {
        deliver(id(1), 0);
        deliver(id(2), 0);
        purge();
        assertEquals(List.of(), storedUids());
        assertEquals(Optional.empty(), join(mailStore.content(ADDRESS, 1)));
        assertEquals(1, deliver(id(3), 0));
        assertEquals(List.of(1L), storedUids());
    }

    @Test
    void deliveryAfterPurgeIsStoredAgain() {
        deliver(id(1), 0);
        purge();
        assertEquals(1, deliver(id(1), 0));
        assertEquals(List.of(1L), storedUids());
    }

    @Test
    void purgeOnlyTouchesItsOwnAddress() {
        join(directory.createDomain("example.co"));
        join(directory.createAddress("example.co", "anna", PASSWORD, Address.Type.MAILBOX));
        ActorRef<MailboxActor.Command> other = testKit.spawn(MailboxActor.create("anna@example.co", context));
        other.tell(deliverCommand(id(9), 0));
        replies.receiveMessage();
        deliver(id(1), 0);
        purge();
        assertEquals(1, join(mailStore.folder("anna@example.co", FolderName.INBOX)).orElseThrow().messages());
        testKit.stop(other);
    }

    @Test
    void mailForAnAddressDisabledOrDeletedSinceRoutingIsNotTaken() {
        join(directory.setDisabled(anna(), true));
        mailbox.tell(deliverCommand(id(1), 0));
        Delivered refused = replies.receiveMessage();
        assertEquals("address anna@example.com no longer receives mail here", refused.failure());
        join(directory.deleteAddress("example.com", "anna"));
        mailbox.tell(deliverCommand(id(2), 0));
        assertEquals("address anna@example.com no longer receives mail here", replies.receiveMessage().failure());
        assertEquals(List.of(), storedUids());
    }

    @Test
    void purgeForgetsWhomTheResponderAnswered() {
        activeResponder();
        deliver(id(1), 0);
        purge();
        assertEquals(Optional.empty(), join(new ResponderMemory(store).lastReply(ADDRESS, "bob@example.org")));
    }

    @Test
    void aMessageThatCannotBeHandledIsDeferredAloneAndTheBatchGoesOn() {
        mailbox.tell(deliverCommand(id(1), 0));
        mailbox.tell(new MailboxActor.Deliver(id(2), 0, ENVELOPE, null, replies.getRef())); // a bug's message
        mailbox.tell(deliverCommand(id(3), 0));
        List<Delivered> answers = replies.receiveSeveralMessages(3);
        assertTrue(answers.get(0).stored());
        assertEquals("mailbox could not take the message", answers.get(1).failure(), "the exception is in the log only");
        assertTrue(answers.get(2).stored());
        assertEquals(List.of(1L, 2L), storedUids());
    }

    /**
     * Two writers of one mailbox, as two nodes during a partition or a slow shard handover: the one
     * whose uid counter is stale is refused instead of storing over the other's message, then reads
     * the counter again and goes on from it.
     */
    @Test
    void aStaleWriterOfTheMailboxNeverGivesAUidTwice() {
        assertEquals(1, deliver(id(1), 0));
        ActorRef<MailboxActor.Command> stale = testKit.spawn(MailboxActor.create(ADDRESS, context));
        stale.tell(deliverCommand(id(1), 0)); // a redelivery: answered once the writer has read the counter
        assertEquals(1, replies.receiveMessage().contentId());
        assertEquals(2, deliver(id(2), 0));

        stale.tell(deliverCommand(id(3), 0));
        assertEquals("mailbox write failed", replies.receiveMessage().failure());
        stale.tell(deliverCommand(id(3), 0));
        Delivered retried = replies.receiveMessage();
        assertTrue(retried.stored(), retried.failure());

        assertEquals(3, retried.contentId());
        assertEquals(List.of(1L, 2L, 3L), storedUids());
        assertEquals(List.of(id(1).toString(), id(2).toString(), id(3).toString()),
                messages(FolderName.INBOX).stream().map(MailMessage::queueId).toList());
        testKit.stop(stale);
    }

    /**
     * A store that does not answer (a cluster's PostgreSQL down) defers the deliveries waiting for
     * the mailbox's uid counter as soon as the read fails, not when the queue's ask times out.
     */
    @Test
    void deliveriesWaitingForAStoreThatDoesNotAnswerAreDeferredAtOnce() {
        CompletableFuture<Optional<byte[]>> counter = new CompletableFuture<>();
        Store stalled = new Store() {
            @Override
            public CompletionStage<Void> commit(StoreBatch batch, Durability durability) {
                return store.commit(batch, durability);
            }

            @Override
            public CompletionStage<Optional<byte[]>> read(StoreFamily family, byte[] key) {
                return family.equals(MailboxFamilies.MAIL_ACCOUNT) ? counter : store.read(family, key);
            }

            @Override
            public CompletionStage<List<KeyValue>> range(StoreFamily family, byte[] from, byte[] to, int limit) {
                return store.range(family, from, to, limit);
            }

            @Override
            public CompletionStage<List<byte[]>> keys(StoreFamily family, byte[] from, byte[] to, int limit) {
                return store.keys(family, from, to, limit);
            }

            @Override
            public CompletionStage<List<byte[]>> keysFrom(StoreFamily family, byte[] from, int limit) {
                return store.keysFrom(family, from, limit);
            }

            @Override
            public long syncs() {
                return store.syncs();
            }

            @Override
            public long syncedBatches() {
                return store.syncedBatches();
            }

            @Override
            public void close() {
                store.close();
            }
        };
        ActorRef<MailboxActor.Command> waiting = testKit.spawn(MailboxActor.create(ADDRESS, new MailboxContext(stalled,
                clock, directory, context.spool(), context.srs(), "mx.test",
                new Mailboxes.Settings(Duration.ofSeconds(5), MEMORY, 50, Duration.ofDays(7), Duration.ofDays(30)))));
        waiting.tell(deliverCommand(id(1), 0));
        counter.completeExceptionally(new StoreException("read failed: the database does not answer"));
        assertEquals("mailbox unavailable", replies.receiveMessage().failure());
    }

    @Test
    void purgeThatCannotBeWrittenIsReportedAsAFailure() {
        deliver(id(1), 0);
        store.close();
        StatusReply<Done> reply = askPurge();
        assertTrue(reply.isError());
        assertEquals("mailbox purge failed; the node's log has the cause", reply.getError().getMessage(),
                "the store's own text stays in the log");
    }

    // --- what a delivery sends: forwards, backup copies, responder answers (SPEC sections 2 to 4) ---

    @Test
    void redirectWithoutCopyKeepsNothingAndSpoolsAForwardFromAnSrsSender() {
        join(directory.delivery().setRedirect(anna(), List.of("carl@remote.example"), false));
        assertEquals(MailboxActor.NOT_KEPT, deliver(id(1), 0));

        assertEquals(List.of(), storedUids());
        QueuedMessage forward = onlySpooled();
        String sender = forward.envelope().sender().orElseThrow().toString();
        assertTrue(sender.matches("SRS0=[A-Za-z0-9_-]{4}=[A-Z2-7]{2}=example\\.org=bob@example\\.com"), sender);
        assertEquals(List.of("carl@remote.example"), recipients(forward));
        assertEquals("Delivered-To: anna@example.com\r\n" + MESSAGE, spooledContent(forward));
        assertEquals(forward.id(), assertInstanceOf(QueueManager.Enqueue.class, queue.receiveMessage()).id());
        assertFalse(forward.envelope().originatedHere(), "a forward of mail from elsewhere is not DKIM-signed");
    }

    /** Our own users' mail (SMTP AUTH, relay networks) is still ours when a hosted address forwards it. */
    @Test
    void aForwardOfMailThatOriginatedHereOriginatedHereToo() {
        join(directory.delivery().setRedirect(anna(), List.of("carl@remote.example"), false));
        mailbox.tell(new MailboxActor.Deliver(id(1), 0, ENVELOPE.withOriginatedHere(),
                MESSAGE.getBytes(StandardCharsets.UTF_8), replies.getRef()));
        assertTrue(replies.receiveMessage().stored());
        assertTrue(onlySpooled().envelope().originatedHere());
    }

    @Test
    void redirectWithCopyKeepsOneAndForwards() {
        join(directory.delivery().setRedirect(anna(), List.of("carl@remote.example"), true));
        assertEquals(1, deliver(id(1), 0));
        assertEquals(List.of(1L), storedUids());
        assertEquals(List.of("carl@remote.example"), recipients(onlySpooled()));
    }

    @Test
    void redirectToAHostedAddressKeepsTheOriginalSender() {
        join(directory.createAddress("example.com", "carl", PASSWORD, Address.Type.MAILBOX));
        join(directory.delivery().setRedirect(anna(), List.of("carl@example.com"), false));
        deliver(id(1), 0);
        assertEquals(Optional.of("bob@example.org"), onlySpooled().envelope().sender().map(EmailAddress::toString));
    }

    @Test
    void redeliveryOfAForwardedMessageSpoolsNothingAgain() {
        join(directory.delivery().setRedirect(anna(), List.of("carl@remote.example"), false));
        deliver(id(1), 0);
        deliver(id(1), 0);
        assertEquals(1, spooled().size());
    }

    @Test
    void messageThatAlreadyPassedThisAddressIsKeptNotForwarded() {
        join(directory.delivery().setRedirect(anna(), List.of("carl@remote.example"), false));
        String looped = "Delivered-To: Anna@Example.com\r\n" + MESSAGE;
        mailbox.tell(new MailboxActor.Deliver(id(1), 0, ENVELOPE, looped.getBytes(StandardCharsets.UTF_8),
                replies.getRef()));
        assertEquals(1, replies.receiveMessage().contentId());
        assertEquals(List.of(), spooled());
    }

    @Test
    void redirectTargetThatIsTheSenderIsSkippedForThatSender() {
        join(directory.delivery().setRedirect(anna(), List.of("bob@example.org", "carl@remote.example"), false));
        deliver(id(1), 0);
        assertEquals(List.of("carl@remote.example"), recipients(onlySpooled()));
    }

    @Test
    void messageFromTheOnlyRedirectTargetIsKeptRatherThanLost() {
        join(directory.delivery().setRedirect(anna(), List.of("bob@example.org"), false));
        assertEquals(1, deliver(id(1), 0));
        assertEquals(List.of(), spooled());
    }

    @Test
    void backupCopyIsSpooledWithEveryMessageKeptHere() {
        join(directory.delivery().setBackupCopy(anna(), "archive@remote.example"));
        assertEquals(1, deliver(id(1), 0));
        assertEquals(List.of("archive@remote.example"), recipients(onlySpooled()));
        assertFalse(onlySpooled().envelope().originatedHere(), "a copy of mail from elsewhere is not DKIM-signed");
    }

    @Test
    void blockedSenderGoesToJunkAndIsNotForwarded() {
        join(directory.delivery().setRedirect(anna(), List.of("carl@remote.example"), false));
        join(directory.delivery().setLists(anna(), List.of(), List.of("@example.org"), false));
        long uid = deliver(id(1), 0);
        assertEquals(1, messages(FolderName.JUNK).size());
        assertEquals(List.of(), messages(FolderName.INBOX));
        assertEquals(1, uid);
        assertEquals(List.of(), spooled());
    }

    @Test
    void allowListedSenderOfABlockedDomainReachesTheInbox() {
        join(directory.delivery().setLists(anna(), List.of("bob@example.org"), List.of("@example.org"), false));
        deliver(id(1), 0);
        assertEquals(1, messages(FolderName.INBOX).size());
        assertEquals(List.of(), messages(FolderName.JUNK));
    }

    @Test
    void activeResponderAnswersASenderOnceThenAgainAfterSevenDays() {
        activeResponder();
        deliver(id(1), 0);
        QueuedMessage answer = onlySpooled();
        assertEquals(Optional.empty(), answer.envelope().sender());
        assertEquals(List.of("bob@example.org"), recipients(answer));
        String reply = spooledContent(answer);
        assertTrue(reply.contains("Auto-Submitted: auto-replied\r\n"), reply);
        assertTrue(reply.contains("In-Reply-To: <1@example.org>\r\n"), reply);
        assertTrue(reply.contains("Subject: Auto: Lunch\r\n"), reply);
        assertTrue(answer.envelope().originatedHere(), "the node wrote the answer: it is DKIM-signed");

        deliver(id(2), 0);
        assertEquals(1, spooled().size());
        clock.advance(Duration.ofDays(7));
        deliver(new QueueId(QueueId.firstAt(clock.instant()).sequence() + 1, 1), 0);
        assertEquals(2, spooled().size());
    }

    @Test
    void responderAnswersOnceForTwoMessagesInOneBatch() {
        activeResponder();
        mailbox.tell(deliverCommand(id(1), 0));
        mailbox.tell(deliverCommand(id(2), 0));
        replies.receiveSeveralMessages(2);
        assertEquals(1, spooled().size());
    }

    /** The null sender is never answered (RFC 3834 section 2), and its mail is stored all the same. */
    @Test
    void aBounceToAnAddressWithAnActiveResponderIsStoredNotAnswered() {
        activeResponder();
        Envelope bounce = new Envelope(Optional.empty(), Map.of(), ENVELOPE.recipients(), ENVELOPE.heloName(),
                ENVELOPE.clientAddress(), ENVELOPE.arrival(), false);
        mailbox.tell(new MailboxActor.Deliver(id(1), 0, bounce, MESSAGE.getBytes(StandardCharsets.UTF_8),
                replies.getRef()));
        Delivered delivered = replies.receiveMessage();
        assertTrue(delivered.stored(), delivered.failure());
        assertEquals(List.of(1L), storedUids());
        assertEquals(List.of(), spooled());
    }

    @Test
    void inactiveResponderDoesNotAnswer() {
        Responder stored = join(directory.responders().add(anna(), responder("Holidays", "Back soon.")));
        deliver(id(1), 0);
        assertEquals(List.of(), spooled());
        join(directory.responders().activate(anna(), stored.id()));
        deliver(id(2), 0);
        assertEquals(1, spooled().size());
    }

    private void activeResponder() {
        Responder stored = join(directory.responders().add(anna(), responder("Holidays", "I am away until Monday.")));
        join(directory.responders().activate(anna(), stored.id()));
    }

    private static ResponderSettings responder(String name, String text) {
        return new ResponderSettings(name, text, Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
                Optional.empty(), List.of());
    }

    private List<QueuedMessage> spooled() {
        return new SpoolStore(store, TestStores.SPOOL_KEY).messages(null, 100).toCompletableFuture().join();
    }

    private QueuedMessage onlySpooled() {
        List<QueuedMessage> spooled = spooled();
        assertEquals(1, spooled.size(), "spooled messages");
        return spooled.get(0);
    }

    private static List<String> recipients(QueuedMessage message) {
        return message.envelope().recipients().stream().map(r -> r.address().toString()).toList();
    }

    private String spooledContent(QueuedMessage message) {
        return new String(new SpoolStore(store, TestStores.SPOOL_KEY).content(message.id()).toCompletableFuture().join(), StandardCharsets.UTF_8);
    }

    private static EmailAddress anna() {
        return EmailAddress.parse(ADDRESS, false);
    }

    private static <T> T join(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    private long deliver(QueueId queueId, int recipient) {
        mailbox.tell(deliverCommand(queueId, recipient));
        Delivered delivered = replies.receiveMessage();
        assertTrue(delivered.stored(), delivered.failure());
        assertEquals(queueId, delivered.queueId());
        assertEquals(recipient, delivered.recipient());
        return delivered.contentId();
    }

    private MailboxActor.Deliver deliverCommand(QueueId queueId, int recipient) {
        return new MailboxActor.Deliver(queueId, recipient, ENVELOPE, MESSAGE.getBytes(StandardCharsets.UTF_8),
                replies.getRef());
    }

    private void purge() {
        assertEquals(StatusReply.ack(), askPurge());
    }

    private StatusReply<Done> askPurge() {
        TestProbe<StatusReply<Done>> done = testKit.createTestProbe();
        mailbox.tell(new MailboxActor.Purge(done.getRef()));
        return done.receiveMessage();
    }

    private void restart() {
        testKit.stop(mailbox);
        mailbox = testKit.spawn(MailboxActor.create(ADDRESS, context));
    }

    private List<Long> storedUids() {
        return messages(FolderName.INBOX).stream().map(MailMessage::uid).toList();
    }

    /** The messages of a folder of the address, none if it has no records yet. */
    private List<MailMessage> messages(String folder) {
        return join(mailStore.folder(ADDRESS, folder)).map(found -> join(mailStore.messages(ADDRESS, found.id(), 1,
                Long.MAX_VALUE - 1, 1000))).orElse(List.of());
    }

    /** The n-th message queued at the test's start. */
    private static QueueId id(long n) {
        return new QueueId(QueueId.firstAt(START).sequence() + n, 1);
    }
}
