package dev.postillion.queue;

import dev.postillion.core.Envelope;
import dev.postillion.core.QueueId;
import dev.postillion.core.Store.Durability;
import dev.postillion.queue.RecipientOutcome.Status;
import dev.postillion.queue.Settlement.Request;
import dev.postillion.queue.SpoolStore.Due;
import dev.postillion.queue.SpoolStore.QueuedMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schedules delivery of spooled messages (the job of Postfix's qmgr(8)). The schedule index in the
 * store is the one source of work: messages due now are read from it in due order, a bounded
 * number at a time, handed to the {@link Transport}, and settled ({@link Settlement}) in one batch
 * each. Nothing waits in memory but the attempts under way, so a spool of a million deferred
 * messages costs no more per delivery than an empty one (ARCHITECTURE rule 5).
 *
 * <p>A read cursor remembers the last schedule entry handed out, so that entries already taken
 * are not read again; an entry written behind the cursor (a message committed late, a retry
 * requested now) moves the cursor back to it. A message is owned by the manager from the moment it
 * is handed out until its settlement is in the store, and is never handed out twice meanwhile.
 */
public final class QueueManager extends AbstractBehavior<QueueManager.Command> {

    public sealed interface Command {}

    /**
     * A message the spool has just committed. Its content is kept for its first attempt, which
     * spares reading it back; null for a message written in pieces, which is read back.
     */
    public record Enqueue(QueueId id, Envelope envelope, byte[] content) implements Command {}

    /**
     * Answered once no delivery attempt is in flight: at shutdown, so that messages accepted by the
     * last sessions reach their mailboxes before sharding stops.
     */
    public record AwaitIdle(ActorRef<Done> replyTo) implements Command {}

    /** The operator acts on one message (admin API). */
    public record Operate(QueueId id, Operation operation, ActorRef<OperationResult> replyTo) implements Command {}

    public enum Operation {
        /** Attempt now (Postfix's {@code postqueue -i}). */
        RETRY,
        /** No attempts until released ({@code postsuper -h}). */
        HOLD,
        RELEASE,
        /** Remove silently ({@code postsuper -d}). */
        DELETE,
        /** Return to the sender with a failure report. */
        BOUNCE
    }

    public enum OperationResult {
        DONE,
        NOT_FOUND,
        /** A held message is not retried: release it first. */
        ON_HOLD,
        /** The spool did not take the change (the cause is in the log): the message is as it was. */
        NOT_WRITTEN
    }

    /** The operator asks for these messages to be attempted now (a flush); answers how many were. */
    public record RetryNow(List<QueueId> ids, ActorRef<Integer> replyTo) implements Command {}

    private record Attempted(QueueId id, List<RecipientOutcome> outcomes, Throwable failure) implements Command {}

    /**
     * A commit is in the store, or failed ({@code failure} not null): either way the message may be
     * handed out again; once in the store, the schedule entries it wrote are read.
     */
    private record Settled(Commit commit, Throwable failure) implements Command {}

    /**
     * A change to a message being committed: the schedule entry the message has until it lands
     * ({@code kept}, null for none), the entries it writes, and the operators who wait for it.
     */
    private record Commit(QueueId id, Due kept, List<Due> written, List<ActorRef<OperationResult>> operators) {}

    private record Wake() implements Command {}

    /** A message whose change failed is due again at its old schedule entry. */
    private record Reread(Due entry) implements Command {}

    /** A position in the schedule index: at {@code entry}, or just after it. */
    private record Cursor(Due entry, boolean inclusive) {}

    /**
     * @param maxAttemptsInFlight deliveries under way at once; more stay in the schedule index, so
     *     that a large spool is neither read into memory nor sent off all at once
     * @param maxBytesInFlight content of the deliveries under way, in bytes, counted once per pending
     *     recipient: no attempt starts while this much is out, so that a backlog of large messages
     *     cannot fill the heap (one attempt may take it past the bound, or no message larger than
     *     the bound would ever go)
     */
    public record Settings(DeliverySchedule schedule, int maxAttemptsInFlight, long maxBytesInFlight) {}

    private static final Logger queueLog = LoggerFactory.getLogger("postillion.queue");
    /** Content kept from acceptance to first attempt, in bytes; beyond this it is read back instead. */
    private static final long FRESH_CONTENT_BYTES = 32L << 20;
    /** How long a store that failed a read or a write is left alone before it is used again. */
    private static final Duration STORE_RETRY = Duration.ofMinutes(1);

    private static final class Attempt {
        final QueuedMessage message;
        final byte[] content;
        /**
         * What the attempt may hold of the heap: its content once per pending recipient, for a
         * mailbox stores a copy of its own.
         */
        final long weight;
        Request request = Request.NONE;
        final List<ActorRef<OperationResult>> operators = new ArrayList<>();

        Attempt(QueuedMessage message, byte[] content) {
            this.message = message;
            this.content = content;
            this.weight = (long) content.length * message.pending().size();
        }
    }

    private final SpoolStore spool;
    private final Transport transport;
    private final Clock clock;
    private final Settings settings;
    private final Settlement settlement;
    private final TimerScheduler<Command> timers;
    private final Map<QueueId, Attempt> inFlight = new HashMap<>();
    /** The content of the attempts in {@code inFlight}, in bytes. */
    private long bytesInFlight;
    /** Messages whose settlement is being committed, with operator commands waiting for it. */
    private final Map<QueueId, List<Operate>> settling = new HashMap<>();
    /** Content of messages just accepted, oldest first, {@code freshBytes} in all. */
    private final Map<QueueId, byte[]> freshContent = new LinkedHashMap<>();
    private long freshBytes;
    private final List<ActorRef<Done>> idleWaiters = new ArrayList<>();
    /** Where the next read of the schedule starts; null: at its beginning. */
    private Cursor cursor;
    private long wakeAt = Long.MAX_VALUE;

    public static Behavior<Command> create(SpoolStore spool, Transport transport, StatusReports reports, Clock clock,
            Settings settings) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new QueueManager(ctx, spool, transport, reports, clock, settings, timers)));
    }

    private QueueManager(ActorContext<Command> ctx, SpoolStore spool, Transport transport, StatusReports reports,
            Clock clock, Settings settings, TimerScheduler<Command> timers) {
        super(ctx);
        this.spool = spool;
        this.transport = transport;
        this.clock = clock;
        this.settings = settings;
        this.settlement = new Settlement(settings.schedule(), reports);
        this.timers = timers;
        ctx.getSelf().tell(new Wake()); // whatever the spool held at the last stop
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Enqueue.class, this::onEnqueue)
                .onMessage(Attempted.class, this::onAttempted)
                .onMessage(Settled.class, this::onSettled)
                .onMessage(Wake.class, wake -> onWake())
                .onMessage(Reread.class, this::onReread)
                .onMessage(Operate.class, this::onOperate)
                .onMessage(RetryNow.class, this::onRetryNow)
                .onMessage(AwaitIdle.class, this::onAwaitIdle)
                .build();
    }

    private Behavior<Command> onEnqueue(Enqueue enqueue) {
        if (enqueue.content() != null && !inFlight.containsKey(enqueue.id()) && !settling.containsKey(enqueue.id())) {
            keepFresh(enqueue.id(), enqueue.content());
        }
        entryWritten(new Due(enqueue.envelope().arrival().toEpochMilli(), enqueue.id()));
        pull();
        return this;
    }

    private Behavior<Command> onWake() {
        wakeAt = Long.MAX_VALUE;
        pull();
        return this;
    }

    private void keepFresh(QueueId id, byte[] content) {
        freshContent.put(id, content);
        freshBytes += content.length;
        Iterator<byte[]> oldest = freshContent.values().iterator();
        while (freshBytes > FRESH_CONTENT_BYTES && oldest.hasNext()) {
            freshBytes -= oldest.next().length;
            oldest.remove();
        }
    }

    private byte[] takeFresh(QueueId id) {
        byte[] content = freshContent.remove(id);
        if (content != null) {
            freshBytes -= content.length;
        }
        return content;
    }

    /** A schedule entry was written: make sure the cursor has not passed it already. */
    private void entryWritten(Due entry) {
        if (cursor != null && SpoolStore.compare(entry, cursor.entry()) <= 0) {
            cursor = new Cursor(entry, true);
        }
        if (entry.dueEpochMillis() > clock.millis()) {
            wakeBy(entry.dueEpochMillis());
        }
    }

    /** Hands due messages to the transport while attempts may start. */
    private void pull() {
        long now = clock.millis();
        while (roomForAttempt()) {
            int wanted = settings.maxAttemptsInFlight() - inFlight.size();
            List<Due> due;
            Due next;
            try {
                due = cursor == null ? spool.due(null, true, now, wanted)
                        : spool.due(cursor.entry(), cursor.inclusive(), now, wanted);
                next = due.size() < wanted ? spool.firstDueAfter(now) : null;
            } catch (RuntimeException e) {
                queueLog.error("cannot read the schedule ({}); trying again in a minute", e.getMessage());
                wakeBy(now + STORE_RETRY.toMillis());
                return;
            }
            for (Due entry : due) {
                if (!roomForAttempt()) {
                    // The entry stays due; the attempt that frees the room pulls again.
                    cursor = new Cursor(entry, true);
                    return;
                }
                cursor = new Cursor(entry, false);
                if (!inFlight.containsKey(entry.id()) && !settling.containsKey(entry.id())) {
                    start(entry);
                }
            }
            if (due.size() < wanted) {
                if (next != null) {
                    wakeBy(next.dueEpochMillis());
                }
                return;
            }
        }
    }

    private boolean roomForAttempt() {
        return inFlight.size() < settings.maxAttemptsInFlight() && bytesInFlight < settings.maxBytesInFlight();
    }

    private void wakeBy(long due) {
        if (due < wakeAt) {
            wakeAt = due;
            timers.startSingleTimer(new Wake(), Duration.ofMillis(Math.max(0, due - clock.millis())));
        }
    }

    private void start(Due entry) {
        QueuedMessage message = spool.message(entry.id());
        byte[] content = takeFresh(entry.id());
        if (message == null || message.state().getHeld() || message.due() != entry.dueEpochMillis()) {
            return; // settled meanwhile; its entry is gone or stale
        }
        if (content == null) {
            content = spool.content(entry.id());
        }
        List<Integer> pending = message.pending();
        if (content == null || pending.isEmpty()) {
            queueLog.warn("{}: {}; removing it from the spool", entry.id(),
                    content == null ? "content missing" : "no recipient pending");
            commit(new Commit(entry.id(), entry, List.of(), List.of()), spool.change().remove(message));
            return;
        }
        Attempt attempt = new Attempt(message, content);
        inFlight.put(entry.id(), attempt);
        bytesInFlight += attempt.weight;
        CompletionStage<List<RecipientOutcome>> delivery;
        try {
            delivery = transport.deliver(new DeliveryRequest(entry.id(), message.envelope(), pending, content));
        } catch (RuntimeException e) {
            delivery = CompletableFuture.failedFuture(e);
        }
        getContext().pipeToSelf(delivery, (outcomes, failure) -> new Attempted(entry.id(), outcomes, failure));
    }

    private Behavior<Command> onAttempted(Attempted attempted) {
        Attempt attempt = inFlight.remove(attempted.id());
        bytesInFlight -= attempt.weight;
        if (attempted.failure() != null) {
            queueLog.error("{}: delivery attempt failed, deferred", attempted.id(), attempted.failure());
        }
        // Reports quote the outcome: Postfix's words for a transport that failed, the cause is logged.
        List<RecipientOutcome> outcomes = attempted.failure() == null
                ? attempted.outcomes()
                : attempt.message.pending().stream()
                        .map(i -> RecipientOutcome.local(i, Status.DEFERRED, "none", "4.3.0",
                                "unknown mail transport error"))
                        .toList();
        settle(attempt.message, attempt.content, outcomes, attempt.request, attempt.operators);
        pull();
        answerIfIdle();
        return this;
    }

    private void settle(QueuedMessage message, byte[] content, List<RecipientOutcome> outcomes, Request request,
            List<ActorRef<OperationResult>> operators) {
        SpoolStore.Change change = spool.change();
        Settlement.Result result = settlement.settle(message, content, outcomes, request, clock.millis(), change);
        List<Due> written = new ArrayList<>();
        result.spooled().forEach(report ->
                written.add(new Due(report.envelope().arrival().toEpochMilli(), report.id())));
        if (result.nextDue() != 0) {
            // Announced once committed, as every entry written: a read of the schedule in between may
            // pass over the new entry while the message is still settling, and not come back to it.
            written.add(new Due(result.nextDue(), message.id()));
        }
        commit(new Commit(message.id(), scheduled(message), written, operators), change);
    }

    /** The message's schedule entry; none while it is on hold. */
    private static Due scheduled(QueuedMessage message) {
        return message.state().getHeld() ? null : new Due(message.due(), message.id());
    }

    /**
     * Buffered: if a crash loses the change, the message is attempted again, which delivery makes
     * idempotent.
     */
    private void commit(Commit commit, SpoolStore.Change change) {
        settling.putIfAbsent(commit.id(), new ArrayList<>());
        getContext().pipeToSelf(spool.commit(change, Durability.BUFFERED), (ok, failure) -> new Settled(commit, failure));
    }

    private Behavior<Command> onSettled(Settled settled) {
        Commit commit = settled.commit();
        List<Operate> waiting = settling.remove(commit.id());
        if (settled.failure() == null) {
            commit.operators().forEach(operator -> operator.tell(OperationResult.DONE));
            commit.written().forEach(this::entryWritten);
        } else {
            notWritten(commit, settled.failure());
        }
        if (waiting != null) {
            waiting.forEach(this::onOperate);
        }
        pull();
        return this;
    }

    /**
     * The store did not take the change, so the message keeps its old schedule entry, which the
     * read cursor has passed: it is read there again once the store has had time to recover,
     * rather than at once, which against a store failing every write would attempt it in a loop.
     */
    private void notWritten(Commit commit, Throwable failure) {
        queueLog.error("{}: spool update failed, the message stays as it was: {}", commit.id(), failure.toString());
        commit.operators().forEach(operator -> operator.tell(OperationResult.NOT_WRITTEN));
        if (commit.kept() != null) {
            timers.startSingleTimer(commit.kept(), new Reread(commit.kept()), STORE_RETRY);
        }
    }

    private Behavior<Command> onReread(Reread reread) {
        entryWritten(reread.entry());
        pull();
        return this;
    }

    private Behavior<Command> onOperate(Operate operate) {
        QueueId id = operate.id();
        if (settling.containsKey(id)) {
            settling.get(id).add(operate); // act on the state the settlement leaves
            return this;
        }
        Attempt attempt = inFlight.get(id);
        if (attempt != null) {
            // Being attempted: a retry or release has nothing left to do; the rest apply at settlement.
            if (operate.operation() == Operation.RETRY || operate.operation() == Operation.RELEASE) {
                operate.replyTo().tell(OperationResult.DONE);
            } else {
                attempt.request = Request.valueOf(operate.operation().name());
                attempt.operators.add(operate.replyTo());
            }
            return this;
        }
        QueuedMessage message = spool.message(id);
        if (message == null) {
            operate.replyTo().tell(OperationResult.NOT_FOUND);
            return this;
        }
        List<ActorRef<OperationResult>> operator = List.of(operate.replyTo());
        switch (operate.operation()) {
            case RETRY -> {
                if (message.state().getHeld()) {
                    operate.replyTo().tell(OperationResult.ON_HOLD);
                } else {
                    reschedule(message, clock.millis(), false, operator);
                }
            }
            case RELEASE -> reschedule(message, clock.millis(), false, operator);
            case HOLD -> reschedule(message, 0, true, operator);
            case DELETE -> settle(message, null, List.of(), Request.DELETE, operator);
            case BOUNCE -> settle(message, spool.content(id), List.of(), Request.BOUNCE, operator);
        }
        return this;
    }

    private Behavior<Command> onRetryNow(RetryNow retry) {
        int count = 0;
        for (QueueId id : retry.ids()) {
            if (inFlight.containsKey(id) || settling.containsKey(id)) {
                continue;
            }
            QueuedMessage message = spool.message(id);
            if (message != null && !message.state().getHeld()) {
                reschedule(message, clock.millis(), false, List.of());
                count++;
            }
        }
        retry.replyTo().tell(count);
        return this;
    }

    /** Moves the message's schedule entry to {@code due}, or takes it out ({@code held}). */
    private void reschedule(QueuedMessage message, long due, boolean held, List<ActorRef<OperationResult>> operators) {
        SpoolStore.Change change = spool.change();
        if (!message.state().getHeld()) {
            change.unschedule(message.id(), message.due());
        }
        if (!held) {
            change.schedule(message.id(), due);
        }
        change.state(message.id(), message.state().toBuilder().setHeld(held)
                .setDueEpochMillis(held ? message.due() : due).build());
        if (held) {
            queueLog.info("{}: placed on hold by the operator", message.id());
        } else if (message.state().getHeld()) {
            queueLog.info("{}: released from hold by the operator", message.id());
        }
        commit(new Commit(message.id(), scheduled(message), held ? List.of() : List.of(new Due(due, message.id())),
                operators), change);
    }

    private Behavior<Command> onAwaitIdle(AwaitIdle await) {
        idleWaiters.add(await.replyTo());
        answerIfIdle();
        return this;
    }

    private void answerIfIdle() {
        if (inFlight.isEmpty()) {
            idleWaiters.forEach(waiter -> waiter.tell(Done.getInstance()));
            idleWaiters.clear();
        }
    }
}
