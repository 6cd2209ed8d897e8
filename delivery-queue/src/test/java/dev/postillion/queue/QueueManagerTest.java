package dev.postillion.queue;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.core.Envelope;
import dev.postillion.core.MutableClock;
import dev.postillion.core.QueueId;
import dev.postillion.core.QueueIdGenerator;
import dev.postillion.core.Store;
import dev.postillion.core.StoreException;
import dev.postillion.core.TestStores;
import dev.postillion.queue.proto.RecipientState;
import dev.postillion.queue.QueueManager.Operation;
import dev.postillion.queue.QueueManager.OperationResult;
import dev.postillion.queue.RecipientOutcome.Status;
import dev.postillion.queue.ScriptedTransport.Attempt;
import dev.postillion.queue.SpoolStore.QueuedMessage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queue manager over a real store, with a transport answered by hand and time injected: the
 * actor scheduler (Pekko's manual time) and the clock move together, so hours pass in an instant.
 */
class QueueManagerTest {

    private static final DeliveryMetrics METRICS = new DeliveryMetrics(new SimpleMeterRegistry());
    private static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
    private static final ManualTime time = ManualTime.get(testKit.system());
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final DeliverySchedule SCHEDULE = new DeliverySchedule(Duration.ofMinutes(5),
            Duration.ofSeconds(10), Duration.ofHours(1), Duration.ofHours(4), Duration.ofDays(3));

    @TempDir Path directory;
    private final MutableClock clock = new MutableClock(START);
    private final ScriptedTransport transport = new ScriptedTransport();
    private Store store;
    private FailingSpoolStore spoolStore;
    private ActorRef<QueueManager.Command> queueManager;
    private Spool spool;

    @BeforeEach
    void start() {
        store = TestStores.open(directory, SpoolFamilies.ALL);
        spoolStore = new FailingSpoolStore(store);
        startQueueManager(SCHEDULE, 256);
    }

    private void startQueueManager(DeliverySchedule schedule, int maxAttemptsInFlight) {
        startQueueManager(schedule, maxAttemptsInFlight, Long.MAX_VALUE);
    }

    private void startQueueManager(DeliverySchedule schedule, int maxAttemptsInFlight, long maxBytesInFlight) {
        QueueIdGenerator ids = new QueueIdGenerator(clock);
        queueManager = testKit.spawn(QueueManager.create(spoolStore, transport,
                new StatusReports("mx.test", ids, 50_000, schedule), clock,
                new QueueManager.Settings(schedule, maxAttemptsInFlight, maxBytesInFlight), METRICS));
        spool = new Spool(spoolStore, ids, CompletableFuture.completedFuture(queueManager));
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
        Envelope envelope = envelope();
        QueueId id = accept(envelope);
        Attempt attempt = transport.nextAttempt(id);
        assertEquals(List.of(0, 1), attempt.request().recipients());
        assertEquals(envelope, attempt.request().envelope());
        assertArrayEquals(TestEnvelopes.CONTENT, attempt.request().content());
    }

    @Test
    void messageDeliveredToEveryRecipientLeavesTheSpoolAndItsSchedule() throws Exception {
        QueueId id = accept(envelope());
        transport.nextAttempt().answer(Status.SENT, Status.SENT);
        awaitGone(id);
        assertNull(spoolStore.firstDueAfter(0).toCompletableFuture().join());
        assertTrue(spoolStore.due(null, true, Long.MAX_VALUE - 1, 10).toCompletableFuture().join().isEmpty());
    }

    @Test
    void deferredMessageWaitsForItsBackoffThenOnlyPendingRecipientsAreRetried() throws Exception {
        QueueId id = accept(envelope());
        transport.nextAttempt().answer(Status.SENT, Status.DEFERRED);
        QueuedMessage deferred = awaitMessage(id, m -> m.state().getAttempts() == 1);
        assertEquals(clock.millis() + Duration.ofMinutes(5).toMillis(), deferred.due());
        assertEquals(RecipientState.Status.DELIVERED, deferred.recipient(0).getStatus());
        assertEquals(RecipientState.Status.PENDING, deferred.recipient(1).getStatus());
        assertEquals("451 mailbox busy", deferred.recipient(1).getLastReply());

        pass(Duration.ofMinutes(4));
        assertTrue(transport.idle(), "retried before the backoff was over");
        pass(Duration.ofMinutes(1));
        Attempt retry = transport.nextAttempt();
        assertEquals(List.of(1), retry.request().recipients());
        assertArrayEquals(TestEnvelopes.CONTENT, retry.request().content());
        retry.answer(Status.DEFERRED);
        QueuedMessage twice = awaitMessage(id, m -> m.state().getAttempts() == 2);
        assertEquals(clock.millis() + Duration.ofMinutes(10).toMillis(), twice.due(), "the backoff doubles");

        pass(Duration.ofMinutes(10));
        transport.nextAttempt().answer(Status.SENT);
        awaitGone(id);
    }

    @Test
    void failedAttemptDefersEveryPendingRecipient() throws Exception {
        QueueId id = accept(envelope());
        transport.nextAttempt().fail(new IOException("connection reset"));
        QueuedMessage deferred = awaitMessage(id, m -> m.state().getAttempts() == 1);
        // Reports quote the last reply: the exception's text stays in the log.
        assertTrue(deferred.recipient(0).getLastReply().contains("unknown mail transport error"),
                deferred.recipient(0).getLastReply());
        assertFalse(deferred.recipient(0).getLastReply().contains("connection reset"));
        pass(Duration.ofMinutes(5));
        Attempt retry = transport.nextAttempt();
        assertEquals(List.of(0, 1), retry.request().recipients());
        retry.answer(Status.SENT, Status.SENT);
        awaitGone(id);
    }

    @Test
    void permanentFailureIsReturnedToTheSenderInAReportSpooledLikeAnyMessage() throws Exception {
        QueueId id = accept(envelope());
        transport.nextAttempt().answer(Status.BOUNCED, Status.SENT);
        Attempt report = transport.nextAttempt();
        assertEquals(Optional.empty(), report.request().envelope().sender(), "reports come from the null sender");
        assertEquals("sender@example.org", report.request().envelope().recipients().get(0).address().toString());
        String text = report.text();
        assertTrue(text.contains("Subject: Undelivered Mail Returned to Sender"), text);
        assertTrue(text.contains("anna@example.com"), text);
        assertFalse(text.contains("Final-Recipient: rfc822; bob@example.com"), "bob was delivered: " + text);
        awaitGone(id);
        report.answer(Status.SENT);
        awaitGone(report.request().id());
    }

    @Test
    void reportThatFailsIsDroppedNeverReported() throws Exception {
        accept(envelope());
        transport.nextAttempt().answer(Status.BOUNCED, Status.BOUNCED);
        Attempt report = transport.nextAttempt();
        report.answer(Status.BOUNCED);
        awaitGone(report.request().id());
        pass(Duration.ofHours(1));
        assertTrue(transport.idle(), "a report about a report");
    }

    @Test
    void notifyNeverAndNotifySuccessAreHonoured() throws Exception {
        QueueId id = accept(TestEnvelopes.withNotify("sender@example.org", "NEVER", "SUCCESS"));
        transport.nextAttempt().answer(Status.BOUNCED, Status.SENT);
        Attempt report = transport.nextAttempt();
        String text = report.text();
        assertTrue(text.contains("Subject: Successful Mail Delivery Report"), text);
        assertTrue(text.contains("bob@example.com"), text);
        report.answer(Status.SENT);
        awaitGone(id);
        awaitGone(report.request().id());
        assertTrue(transport.idle(), "NOTIFY=NEVER got a failure report");
    }

    @Test
    void delayWarningGoesOutOnceAfterTheConfiguredTimeAndExpiryReturnsTheMessage() throws Exception {
        // Backoff up to 12 hours, so that three days take few attempts (manual time costs 100 ms a step).
        testKit.stop(queueManager);
        startQueueManager(new DeliverySchedule(Duration.ofMinutes(5), Duration.ofSeconds(10), Duration.ofHours(12),
                Duration.ofHours(4), Duration.ofDays(3)), 256);
        QueueId id = accept(envelope());
        transport.nextAttempt().answer(Status.DEFERRED, Status.DEFERRED);
        Attempt warned = deferUntil(id, Duration.ofHours(4));
        warned.answer(Status.DEFERRED, Status.DEFERRED);
        Attempt warning = transport.nextAttempt();
        String text = warning.text();
        assertTrue(text.contains("Subject: Delayed Mail (still being retried)"), text);
        assertTrue(text.contains("message still undelivered after 4 hours; "
                + "will keep trying until message is 3 days old"), text);
        warning.answer(Status.SENT);
        assertTrue(awaitMessage(id, m -> m.state().getDelayWarned()).state().getDelayWarned());

        Attempt last = deferUntil(id, Duration.ofDays(3));
        last.answer(Status.DEFERRED, Status.SENT);
        Attempt failure = transport.nextAttempt();
        String returned = failure.text();
        assertTrue(returned.contains("Subject: Undelivered Mail Returned to Sender"), returned);
        assertTrue(returned.contains("anna@example.com"), returned);
        failure.answer(Status.SENT);
        awaitGone(id);
    }

    @Test
    void withNoMoreRoomAttemptsWaitInTheScheduleAndStartAsOthersFinish() throws Exception {
        testKit.stop(queueManager);
        startQueueManager(SCHEDULE, 1);
        assertSecondWaitsForFirst();
    }

    @Test
    void withTheBytesInFlightTakenAttemptsWaitInTheScheduleAndStartAsOthersFinish() throws Exception {
        testKit.stop(queueManager);
        // Room for less than one message's content: the first attempt takes it past the bound.
        startQueueManager(SCHEDULE, 256, TestEnvelopes.CONTENT.length - 1);
        assertSecondWaitsForFirst();
    }

    /**
     * Messages read back from the spool (after a restart, not handed over at acceptance) are
     * sized by their records before their content is read: all read at once, they would each
     * have been let past the bound.
     */
    @Test
    void messagesReadFromTheSpoolAreHeldToTheBytesInFlightToo() throws Exception {
        testKit.stop(queueManager);
        Spool unattended = new Spool(spoolStore, new QueueIdGenerator(clock), new CompletableFuture<>());
        QueueId first = unattended.newId();
        unattended.accept(first, envelope(), TestEnvelopes.CONTENT).toCompletableFuture().join();
        QueueId second = unattended.newId();
        unattended.accept(second, envelope(), TestEnvelopes.CONTENT).toCompletableFuture().join();
        startQueueManager(SCHEDULE, 256, TestEnvelopes.CONTENT.length - 1);
        assertAttemptedOneAfterTheOther(first, second);
    }

    /** Of two messages accepted, the second is attempted only once the first attempt has ended. */
    private void assertSecondWaitsForFirst() throws Exception {
        QueueId first = accept(envelope());
        QueueId second = accept(envelope());
        awaitMessage(second, m -> true);
        assertAttemptedOneAfterTheOther(first, second);
    }

    private void assertAttemptedOneAfterTheOther(QueueId first, QueueId second) throws Exception {
        Attempt attempt = transport.nextAttempt(first);
        assertTrue(transport.idle(), "a second attempt started while the first was under way");
        attempt.answer(Status.SENT, Status.SENT);
        Attempt next = transport.nextAttempt(second);
        next.answer(Status.SENT, Status.SENT);
        awaitGone(second);
    }

    @Test
    void aFlushIsAnsweredOnceItsRetriesAreInTheSpool() throws Exception {
        QueueId deferred = accept(envelope());
        transport.nextAttempt().answer(Status.DEFERRED, Status.DEFERRED);
        awaitMessage(deferred, m -> m.state().getAttempts() == 1);
        QueueId held = accept(envelope());
        transport.nextAttempt().answer(Status.DEFERRED, Status.DEFERRED);
        awaitMessage(held, m -> m.state().getAttempts() == 1);
        assertEquals(OperationResult.DONE, operate(held, Operation.HOLD));

        TestProbe<Integer> flush = testKit.createTestProbe();
        queueManager.tell(new QueueManager.RetryNow(List.of(deferred, held, new QueueId(1, 1)), flush.ref()));
        assertEquals(1, flush.receiveMessage());
        // No waiting here: the answer promised the retry is written.
        assertEquals(clock.millis(), spoolStore.message(deferred).toCompletableFuture().join().due());
        assertTrue(spoolStore.message(held).toCompletableFuture().join().state().getHeld());
        transport.nextAttempt().answer(Status.SENT, Status.SENT);
        awaitGone(deferred);
    }

    @Test
    void aMailboxThatDidNotAnswerIsRetriedSoonAndAtOnceWhenAskedWhileRemoteDestinationsKeepTheirBackoff()
            throws Exception {
        QueueId local = accept(envelope());
        transport.nextAttempt(local).answer().complete(List.of(
                RecipientOutcome.local(0, Status.SENT, RecipientOutcome.LOCAL_RELAY, "2.0.0", "delivered to mailbox"),
                RecipientOutcome.local(1, Status.DEFERRED, RecipientOutcome.LOCAL_RELAY, "4.3.0",
                        "mailbox did not answer")));
        assertEquals(clock.millis() + 10_000, awaitMessage(local, m -> m.state().getAttempts() == 1).due());
        QueueId remote = accept(envelope());
        transport.nextAttempt(remote).answer(Status.SENT, Status.DEFERRED);
        long remoteDue = awaitMessage(remote, m -> m.state().getAttempts() == 1).due();
        assertEquals(clock.millis() + Duration.ofMinutes(5).toMillis(), remoteDue);

        assertEquals(1, new QueueAdmin(spoolStore, queueManager, testKit.scheduler(), Duration.ofSeconds(10))
                .retryLocalDeliveries().toCompletableFuture().get(10, TimeUnit.SECONDS));
        Attempt retried = transport.nextAttempt(local);
        assertEquals(List.of(1), retried.request().recipients());
        retried.answer(Status.SENT);
        awaitGone(local);
        assertTrue(transport.idle());
        assertEquals(remoteDue, spoolStore.message(remote).toCompletableFuture().join().due());
    }

    @Test
    void aDrainAttemptsOnlyWhatWasDueWhenItBeganAndEndsAfterItsTime() throws Exception {
        QueueId hanging = accept(envelope());
        Attempt neverAnswered = transport.nextAttempt();
        QueueId deferred = accept(envelope());
        transport.nextAttempt().answer(Status.DEFERRED, Status.DEFERRED);
        awaitMessage(deferred, m -> m.state().getAttempts() == 1);

        TestProbe<QueueManager.Drained> drain = testKit.createTestProbe();
        queueManager.tell(new QueueManager.Drain(Duration.ofMinutes(10), drain.ref()));
        // Answered after the drain (one mailbox, in order): the drain began before time moves on.
        assertEquals(OperationResult.DONE, operate(hanging, Operation.RETRY));
        pass(Duration.ofMinutes(6));
        drain.expectNoMessage(Duration.ofMillis(200));
        assertTrue(transport.idle(), "the retry that came due during the drain waits for the next start");
        pass(Duration.ofMinutes(5));
        assertEquals(new QueueManager.Drained(false), drain.receiveMessage());

        neverAnswered.answer(Status.SENT, Status.SENT);
        awaitGone(hanging);
        assertEquals(1, spoolStore.message(deferred).toCompletableFuture().join().state().getAttempts());
    }

    @Test
    void aDrainWaitsForTheAttemptOfAMessageJustAcceptedThenStartsNoMore() throws Exception {
        QueueId deferred = accept(envelope());
        transport.nextAttempt().answer(Status.DEFERRED, Status.DEFERRED);
        awaitMessage(deferred, m -> m.state().getAttempts() == 1);

        // Told before its attempt has even been read from the schedule: the drain still waits for it.
        QueueId last = accept(envelope());
        TestProbe<QueueManager.Drained> drain = testKit.createTestProbe();
        queueManager.tell(new QueueManager.Drain(Duration.ofMinutes(1), drain.ref()));
        Attempt attempt = transport.nextAttempt(last);
        drain.expectNoMessage();
        attempt.answer(Status.SENT, Status.SENT);
        drain.expectMessage(new QueueManager.Drained(true));
        awaitGone(last);

        // Drained: neither a retry coming due nor a message accepted now is attempted; both wait, due.
        QueueId afterDrain = accept(envelope());
        pass(Duration.ofMinutes(5));
        drain.expectNoMessage(Duration.ofMillis(200));
        assertTrue(transport.idle());
        assertEquals(1, spoolStore.message(deferred).toCompletableFuture().join().state().getAttempts());
        assertEquals(0, spoolStore.message(afterDrain).toCompletableFuture().join().state().getAttempts());
    }

    @Test
    void aNewQueueManagerResumesWhatTheSpoolHoldsWhenItIsDue() throws Exception {
        QueueId id = accept(envelope());
        transport.nextAttempt().answer(Status.SENT, Status.DEFERRED);
        awaitMessage(id, m -> m.state().getAttempts() == 1);
        testKit.stop(queueManager);

        startQueueManager(SCHEDULE, 256);
        pass(Duration.ofMinutes(5));
        Attempt resumed = transport.nextAttempt();
        assertEquals(List.of(1), resumed.request().recipients());
        resumed.answer(Status.SENT);
        awaitGone(id);
    }

    @Test
    void heldMessageIsNotAttemptedUntilReleased() throws Exception {
        QueueId id = accept(envelope());
        transport.nextAttempt().answer(Status.DEFERRED, Status.DEFERRED);
        awaitMessage(id, m -> m.state().getAttempts() == 1);

        assertEquals(OperationResult.DONE, operate(id, Operation.HOLD));
        assertTrue(spoolStore.message(id).toCompletableFuture().join().state().getHeld());
        assertEquals(OperationResult.ON_HOLD, operate(id, Operation.RETRY));
        pass(Duration.ofHours(2));
        assertTrue(transport.idle(), "a held message was attempted");

        assertEquals(OperationResult.DONE, operate(id, Operation.RELEASE));
        transport.nextAttempt().answer(Status.SENT, Status.SENT);
        awaitGone(id);
    }

    @Test
    void retryAttemptsAtOnceAndDeleteRemovesSilently() throws Exception {
        QueueId id = accept(envelope());
        transport.nextAttempt().answer(Status.DEFERRED, Status.DEFERRED);
        awaitMessage(id, m -> m.state().getAttempts() == 1);

        assertEquals(OperationResult.DONE, operate(id, Operation.RETRY));
        transport.nextAttempt().answer(Status.DEFERRED, Status.DEFERRED);
        awaitMessage(id, m -> m.state().getAttempts() == 2);
        assertEquals(OperationResult.DONE, operate(id, Operation.DELETE));
        assertNull(spoolStore.message(id).toCompletableFuture().join());
        assertNull(spoolStore.content(id).toCompletableFuture().join());
        pass(Duration.ofHours(1));
        assertTrue(transport.idle(), "a deleted message was attempted or reported");
        assertEquals(OperationResult.NOT_FOUND, operate(id, Operation.RETRY));
    }

    @Test
    void bounceReturnsTheMessageToItsSender() throws Exception {
        QueueId id = accept(envelope());
        transport.nextAttempt().answer(Status.SENT, Status.DEFERRED);
        awaitMessage(id, m -> m.state().getAttempts() == 1);

        assertEquals(OperationResult.DONE, operate(id, Operation.BOUNCE));
        Attempt report = transport.nextAttempt();
        String text = report.text();
        assertTrue(text.contains("bob@example.com"), text);
        assertTrue(text.contains("returned to the sender by the mail system administrator"), text);
        assertNull(spoolStore.message(id).toCompletableFuture().join());
    }

    @Test
    void anOperationTheSpoolDoesNotWriteAnswersSoAndLeavesTheMessageAsItWas() throws Exception {
        QueueId id = accept(envelope());
        transport.nextAttempt().answer(Status.SENT, Status.DEFERRED);
        QueuedMessage deferred = awaitMessage(id, m -> m.state().getAttempts() == 1);

        spoolStore.failCommits(true);
        assertEquals(OperationResult.NOT_WRITTEN, operate(id, Operation.DELETE));
        assertEquals(OperationResult.NOT_WRITTEN, operate(id, Operation.BOUNCE));
        assertEquals(OperationResult.NOT_WRITTEN, operate(id, Operation.HOLD));
        spoolStore.failCommits(false);

        assertEquals(deferred.state(), spoolStore.message(id).toCompletableFuture().join().state());
        assertTrue(transport.idle(), "a report of a bounce that was not written");
        pass(Duration.ofMinutes(5));
        transport.nextAttempt().answer(Status.SENT);
        awaitGone(id);
    }

    /** A retry of a message being attempted has nothing left to do; a hold is applied when the attempt settles. */
    @Test
    void commandsForAMessageBeingAttemptedAreAnsweredAtOnceOrAppliedWhenItSettles() throws Exception {
        QueueId id = accept(envelope());
        Attempt attempt = transport.nextAttempt();
        TestProbe<OperationResult> hold = testKit.createTestProbe();
        queueManager.tell(new QueueManager.Operate(id, Operation.HOLD, hold.ref()));
        assertEquals(OperationResult.DONE, operate(id, Operation.RETRY));

        attempt.answer(Status.SENT, Status.DEFERRED);
        hold.expectMessage(OperationResult.DONE);
        QueuedMessage held = spoolStore.message(id).toCompletableFuture().join();
        assertTrue(held.state().getHeld());
        assertEquals(List.of(1), held.pending());
    }

    /** A command for a message another command is reading waits, and acts on the state the first leaves. */
    @Test
    void aCommandForABusyMessageActsOnTheStateTheCommandBeforeItLeaves() throws Exception {
        QueueId id = accept(envelope());
        transport.nextAttempt().answer(Status.DEFERRED, Status.DEFERRED);
        awaitMessage(id, m -> m.state().getAttempts() == 1);

        CompletableFuture<Void> read = spoolStore.holdNextRead(id);
        TestProbe<OperationResult> hold = testKit.createTestProbe();
        queueManager.tell(new QueueManager.Operate(id, Operation.HOLD, hold.ref()));
        TestProbe<OperationResult> retry = testKit.createTestProbe();
        queueManager.tell(new QueueManager.Operate(id, Operation.RETRY, retry.ref()));
        read.complete(null);
        hold.expectMessage(OperationResult.DONE);
        retry.expectMessage(OperationResult.ON_HOLD);
        assertTrue(spoolStore.message(id).toCompletableFuture().join().state().getHeld());
    }

    @Test
    void aCommandWhoseMessageCannotBeReadAnswersSoAndTheMessageIsStillAttempted() throws Exception {
        TestProbe<OperationResult> operator = testKit.createTestProbe();
        assertAttemptedThoughPassedOverWhileBusy(id -> queueManager.tell(
                new QueueManager.Operate(id, Operation.HOLD, operator.ref())));
        operator.expectMessage(OperationResult.NOT_WRITTEN);
    }

    @Test
    void aFlushWhoseMessagesCannotBeReadRetriesNoneAndTheyAreStillAttempted() throws Exception {
        TestProbe<Integer> flush = testKit.createTestProbe();
        assertAttemptedThoughPassedOverWhileBusy(id -> queueManager.tell(
                new QueueManager.RetryNow(List.of(id), flush.ref())));
        flush.expectMessage(0);
    }

    /**
     * A message comes due while the operator's {@code command} is reading it, so the read of the
     * schedule passes it over, and the command's read fails: the message is still attempted, at
     * once, rather than left behind the schedule's read cursor.
     */
    private void assertAttemptedThoughPassedOverWhileBusy(Consumer<QueueId> command) throws Exception {
        QueueId first = accept(envelope());
        QueueId second = accept(envelope());
        transport.nextAttempt().answer(Status.DEFERRED, Status.DEFERRED);
        transport.nextAttempt().answer(Status.DEFERRED, Status.DEFERRED);
        awaitMessage(first, m -> m.state().getAttempts() == 1);
        awaitMessage(second, m -> m.state().getAttempts() == 1);

        CompletableFuture<Void> read = spoolStore.holdNextRead(first);
        command.accept(first);
        pass(Duration.ofMinutes(5));
        Attempt other = transport.nextAttempt(second);
        read.completeExceptionally(new StoreException("read failed: Input/output error"));
        Attempt passedOver = transport.nextAttempt(first);
        passedOver.answer(Status.SENT, Status.SENT);
        other.answer(Status.SENT, Status.SENT);
        awaitGone(first);
        awaitGone(second);
    }

    /**
     * The settlement of an attempt that the spool does not write leaves the message due as it was;
     * it is attempted again once the store has had a minute to recover, not at once in a loop.
     */
    @Test
    void anAttemptWhoseSettlementIsNotWrittenIsAttemptedAgainAMinuteLater() throws Exception {
        QueueId id = accept(envelope());
        Attempt attempt = transport.nextAttempt();
        spoolStore.failCommits(true);
        attempt.answer(Status.SENT, Status.DEFERRED);
        // A retry fails as the settlement's write did, once the manager has the answer; one that
        // comes first finds the attempt under way and has nothing to do (DONE), so it is asked again.
        await().atMost(Duration.ofSeconds(10)).until(() -> operate(id, Operation.RETRY) == OperationResult.NOT_WRITTEN);
        spoolStore.failCommits(false);

        assertEquals(0, spoolStore.message(id).toCompletableFuture().join().state().getAttempts());
        pass(Duration.ofSeconds(59));
        assertTrue(transport.idle(), "attempted again before the store had time to recover");
        pass(Duration.ofSeconds(1));
        Attempt again = transport.nextAttempt();
        assertEquals(List.of(0, 1), again.request().recipients());
        again.answer(Status.SENT, Status.SENT);
        awaitGone(id);
    }

    private Attempt deferUntil(QueueId id, Duration age) throws InterruptedException {
        long until = START.toEpochMilli() + age.toMillis();
        while (true) {
            QueuedMessage message = awaitMessage(id, m -> m.due() > clock.millis());
            pass(Duration.ofMillis(message.due() - clock.millis()));
            Attempt attempt = transport.nextAttempt(id);
            if (clock.millis() >= until) {
                return attempt;
            }
            attempt.answer(Status.DEFERRED, Status.DEFERRED);
        }
    }

    private void pass(Duration duration) {
        clock.advance(duration);
        time.timePasses(duration);
    }

    private OperationResult operate(QueueId id, Operation operation) {
        TestProbe<OperationResult> probe = testKit.createTestProbe();
        queueManager.tell(new QueueManager.Operate(id, operation, probe.ref()));
        return probe.receiveMessage();
    }

    private QueueId accept(Envelope envelope) {
        QueueId id = spool.newId();
        spool.accept(id, envelope, TestEnvelopes.CONTENT).toCompletableFuture().join();
        return id;
    }

    private static Envelope envelope() {
        return TestEnvelopes.from("sender@example.org", "anna@example.com", "bob@example.com");
    }

    private QueuedMessage awaitMessage(QueueId id, Predicate<QueuedMessage> condition) {
        return await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2))
                .until(() -> spoolStore.message(id).toCompletableFuture().join(), m -> m != null && condition.test(m));
    }

    private void awaitGone(QueueId id) {
        await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2)).untilAsserted(() -> {
            assertNull(spoolStore.message(id).toCompletableFuture().join());
            assertNull(spoolStore.content(id).toCompletableFuture().join());
        });
    }
}
