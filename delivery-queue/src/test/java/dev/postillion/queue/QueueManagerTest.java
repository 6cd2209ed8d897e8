package dev.postillion.queue;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.postillion.core.Envelope;
import dev.postillion.core.MutableClock;
import dev.postillion.core.QueueId;
import dev.postillion.core.QueueIdGenerator;
import dev.postillion.core.Store;
import dev.postillion.core.StoreFamily;
import dev.postillion.core.TestStores;
import dev.postillion.core.proto.RecipientState;
import dev.postillion.queue.RecipientOutcome.Status;
import dev.postillion.queue.ScriptedTransport.Attempt;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueManagerTest {

    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final QueueManager.RetrySettings RETRY =
            new QueueManager.RetrySettings(Duration.ofMillis(50), Duration.ofMillis(200));
    private static final Envelope ENVELOPE = TestEnvelopes.from("sender@example.org", "anna@example.com", "bob@example.com");

    @TempDir Path directory;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final ScriptedTransport transport = new ScriptedTransport();
    private Store store;
    private SpoolStore spoolStore;
    private ActorRef<QueueManager.Command> queueManager;
    private Spool spool;

    @BeforeEach
    void start() {
        store = TestStores.open(directory);
        spoolStore = new SpoolStore(store);
        queueManager = testKit.spawn(QueueManager.create(spoolStore, transport, clock, RETRY, 256));
        spool = new Spool(spoolStore, new QueueIdGenerator(clock), queueManager);
    }

    @AfterEach
    void stop() {
        testKit.stop(queueManager);
        store.close();
    }

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    @Test
    void acceptedMessageIsOfferedWithAllRecipientsAndContent() throws Exception {
        QueueId id = accept();
        Attempt attempt = transport.nextAttempt();
        assertEquals(id, attempt.request().id());
        assertEquals(List.of(0, 1), attempt.request().recipients());
        assertEquals(ENVELOPE, attempt.request().envelope());
        assertArrayEquals(TestEnvelopes.CONTENT, attempt.request().content());
    }

    @Test
    void messageDeliveredToEveryRecipientLeavesTheSpool() throws Exception {
        QueueId id = accept();
        transport.nextAttempt().answer(Status.SENT, Status.SENT);
        awaitGone(id);
    }

    @Test
    void bouncedRecipientIsFinal() throws Exception {
        QueueId id = accept();
        transport.nextAttempt().answer(Status.BOUNCED, Status.SENT);
        awaitGone(id);
    }

    @Test
    void deferredRecipientStaysPendingWithItsAttemptRecorded() throws Exception {
        QueueId id = accept();
        transport.nextAttempt().answer(Status.SENT, Status.DEFERRED);

        Attempt retry = transport.nextAttempt();
        assertEquals(List.of(1), retry.request().recipients());
        assertArrayEquals(TestEnvelopes.CONTENT, retry.request().content());
        await().untilAsserted(() -> assertEquals(1, recipientState(id, 1).getAttempts()));
        assertEquals(List.of(1), pendingRecipients(id));
        RecipientState state = recipientState(id, 1);
        assertEquals(RecipientState.Status.PENDING, state.getStatus());
        assertEquals("451 mailbox busy", state.getLastReply());
        assertEquals(clock.millis() + RETRY.first().toMillis(), state.getNextAttemptEpochMillis());
    }

    @Test
    void deferredRecipientIsRetriedUntilSent() throws Exception {
        QueueId id = accept();
        transport.nextAttempt().answer(Status.SENT, Status.DEFERRED);
        transport.nextAttempt().answer(Status.DEFERRED);
        Attempt third = transport.nextAttempt();
        await().untilAsserted(() -> assertEquals(2, recipientState(id, 1).getAttempts()));
        third.answer(Status.SENT);
        awaitGone(id);
        assertTrue(transport.idle());
    }

    @Test
    void noMoreAttemptsThanTheLimitAreUnderWayAtOnce() throws Exception {
        testKit.stop(queueManager);
        queueManager = testKit.spawn(QueueManager.create(spoolStore, transport, clock, RETRY, 1));
        spool = new Spool(spoolStore, new QueueIdGenerator(clock), queueManager);
        QueueId first = accept();
        QueueId second = accept();

        Attempt attempt = transport.nextAttempt();
        assertEquals(first, attempt.request().id());
        TestProbe<Done> idle = testKit.createTestProbe();
        queueManager.tell(new QueueManager.AwaitIdle(idle.ref()));
        idle.expectNoMessage(Duration.ofMillis(100)); // both messages are in by now, one under way
        assertTrue(transport.idle(), "a second attempt started while the first was under way");
        attempt.answer(Status.SENT, Status.SENT);
        Attempt next = transport.nextAttempt();
        assertEquals(second, next.request().id());
        next.answer(Status.SENT, Status.SENT);
        idle.expectMessage(Done.getInstance());
        awaitGone(second);
    }

    @Test
    void awaitIdleIsAnsweredOnlyOnceNoAttemptIsInFlight() throws Exception {
        accept();
        Attempt attempt = transport.nextAttempt();
        TestProbe<Done> waiter = testKit.createTestProbe();
        queueManager.tell(new QueueManager.AwaitIdle(waiter.ref()));
        waiter.expectNoMessage(Duration.ofMillis(100));

        attempt.answer(Status.SENT, Status.SENT);
        waiter.expectMessage(Done.getInstance());
    }

    @Test
    void failedAttemptDefersEveryPendingRecipient() throws Exception {
        QueueId id = accept();
        transport.nextAttempt().fail(new IOException("connection reset"));
        Attempt retry = transport.nextAttempt();
        assertEquals(List.of(0, 1), retry.request().recipients());
        await().untilAsserted(() -> assertTrue(recipientState(id, 0).getLastReply().contains("connection reset")));
        retry.answer(Status.SENT, Status.SENT);
        awaitGone(id);
    }

    @Test
    void resumedMessageIsOfferedOnlyItsPendingRecipients() throws Exception {
        QueueId id = new QueueId(1, 1);
        spoolStore.accept(id, ENVELOPE, TestEnvelopes.CONTENT).toCompletableFuture().join();
        spoolStore.finish(id, List.of(0), false).toCompletableFuture().join();
        queueManager.tell(new QueueManager.Resume(id, ENVELOPE, List.of(1)));

        Attempt attempt = transport.nextAttempt();
        assertEquals(List.of(1), attempt.request().recipients());
        assertArrayEquals(TestEnvelopes.CONTENT, attempt.request().content());
        attempt.answer(Status.SENT);
        awaitGone(id);
    }

    @Test
    void resumedMessageWithoutPendingRecipientsIsRemoved() {
        QueueId id = new QueueId(1, 1);
        spoolStore.accept(id, ENVELOPE, TestEnvelopes.CONTENT).toCompletableFuture().join();
        queueManager.tell(new QueueManager.Resume(id, ENVELOPE, List.of()));
        awaitGone(id);
        assertTrue(transport.idle());
    }

    @Test
    void retryDelayDoublesUpToTheMaximum() {
        assertEquals(Duration.ofMillis(50), RETRY.after(1));
        assertEquals(Duration.ofMillis(100), RETRY.after(2));
        assertEquals(Duration.ofMillis(200), RETRY.after(3));
        assertEquals(Duration.ofMillis(200), RETRY.after(40));
    }

    private QueueId accept() {
        QueueId id = spool.newId();
        spool.accept(id, ENVELOPE, TestEnvelopes.CONTENT).toCompletableFuture().join();
        return id;
    }

    private void awaitGone(QueueId id) {
        await().untilAsserted(() -> {
            assertTrue(spoolStore.unfinished().stream().noneMatch(m -> m.id().equals(id)));
            assertNull(spoolStore.content(id));
        });
    }

    private List<Integer> pendingRecipients(QueueId id) {
        return spoolStore.unfinished().stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow()
                .pendingRecipients();
    }

    /** The stored state of one recipient; its key is the queue id followed by the two-byte index. */
    private RecipientState recipientState(QueueId id, int recipient) throws InvalidProtocolBufferException {
        byte[] key = ByteBuffer.allocate(QueueId.BYTES + 2).put(id.bytes()).putShort((short) recipient).array();
        return RecipientState.parseFrom(store.get(StoreFamily.QUEUE_RECIPIENTS, key));
    }
}
