package dev.postillion.queue;

import dev.postillion.core.Envelope;
import dev.postillion.core.QueueId;
import dev.postillion.queue.RecipientOutcome.Status;
import dev.postillion.queue.SpoolStore.Due;
import dev.postillion.queue.SpoolStore.QueuedMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
 *
 * <p>The manager never waits for the store (ARCHITECTURE rule 2): its reads of the schedule and of
 * messages complete on the store's reader threads and come back as messages. While the records of
 * a message are being read or written for it, the message is busy: it is not handed out, and
 * operators' commands for it wait until it is not.
 *
 * <p>The operators' commands are {@link QueueOperations}, which share with the scheduling here the
 * busy messages ({@link BusyMessages}), the attempts in flight ({@link AttemptsInFlight}) and the
 * writing of every change to a message ({@link MessageChanges}).
 */
public final class QueueManager extends AbstractBehavior<QueueManager.Command> {

    public sealed interface Command {}

    /**
     * A message the spool has just committed. Its content is kept for its first attempt, which
     * spares reading it back; null for a message written in pieces, which is read back.
     */
    public record Enqueue(QueueId id, Envelope envelope, byte[] content) implements Command {}

    /**
     * Shutdown: the messages due now are still attempted, so that those accepted by the last
     * sessions reach their mailboxes before sharding stops; what comes due later waits, due as it
     * was, for the next start. Answered once no attempt is under way, being read or being settled,
     * or once {@code within} has passed; either way no attempt starts from then on (it would only
     * find the mailboxes' shard region and the outbound connections gone).
     */
    public record Drain(Duration within, ActorRef<Drained> replyTo) implements Command {}

    /** The answer to {@link Drain}: {@code complete} when nothing was left under way. */
    public record Drained(boolean complete) {}

    private record DrainOver() implements Command {}

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

    /** The schedule as {@link #pull} read it: the entries due, and the next one after them if it was asked for. */
    private record ScheduleRead(List<Due> due, Due next, int wanted, long now, Throwable failure) implements Command {}

    /** A due message read for its attempt, without its content yet; {@code message} null when it is gone. */
    private record MessageRead(Due entry, byte[] kept, QueuedMessage message, Throwable failure) implements Command {}

    /** A due message's content read for its attempt, which had {@code reserved} of the bytes in flight. */
    private record Loaded(Due entry, QueuedMessage message, byte[] content, long reserved, Throwable failure)
            implements Command {}

    /** The message an operator's command is for, as read; {@code content} only to bounce it. */
    record OperandRead(Operate operate, QueuedMessage message, byte[] content, Throwable failure)
            implements Command {}

    /** The messages a flush asked for, as read (null for those gone). */
    record RetryRead(RetryNow retry, List<QueueId> ids, List<QueuedMessage> messages, Throwable failure)
            implements Command {}

    /**
     * A commit is in the store, or failed ({@code failure} not null): either way the message may be
     * handed out again; once in the store, the schedule entries it wrote are read.
     */
    record Settled(Commit commit, Throwable failure) implements Command {}

    /**
     * A change to a message being committed: the schedule entry the message has until it lands
     * ({@code kept}, null for none), the entries it writes, and the operators who wait for it.
     */
    record Commit(QueueId id, Due kept, List<Due> written, List<ActorRef<OperationResult>> operators) {}

    private record Wake() implements Command {}

    /** A message whose change failed is due again at its old schedule entry. */
    private record Reread(Due entry) implements Command {}

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
    /** How long a store that failed a read or a write is left alone before it is used again. */
    private static final Duration STORE_RETRY = Duration.ofMinutes(1);

    private final SpoolStore spool;
    private final Transport transport;
    private final Clock clock;
    private final TimerScheduler<Command> timers;
    private final AttemptsInFlight inFlight;
    private final BusyMessages busy = new BusyMessages();
    private final MessageChanges changes;
    private final QueueOperations operations;
    /**
     * Due messages whose records are being read (null until read), in due order: they are decided
     * on in that order, so that the bytes in flight go to the earliest, however the reads finish.
     */
    private final TreeMap<Due, MessageRead> recordsRead = new TreeMap<>(SpoolStore::compare);
    /** Another read of the schedule is wanted once the one under way is over. */
    private boolean pullAgain;
    private final FreshContent fresh = new FreshContent();
    private final List<ActorRef<Drained>> drainers = new ArrayList<>();
    /** Draining for shutdown: only messages due by then are attempted. */
    private long drainFrom = Long.MAX_VALUE;
    /** Drained for shutdown: no attempt starts any more. */
    private boolean drained;
    private final ScheduleCursor cursor = new ScheduleCursor();
    private long wakeAt = Long.MAX_VALUE;

    public static Behavior<Command> create(SpoolStore spool, Transport transport, StatusReports reports, Clock clock,
            Settings settings, DeliveryMetrics metrics) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new QueueManager(ctx, spool, transport, reports, clock, settings, metrics, timers)));
    }

    private QueueManager(ActorContext<Command> ctx, SpoolStore spool, Transport transport, StatusReports reports,
            Clock clock, Settings settings, DeliveryMetrics metrics, TimerScheduler<Command> timers) {
        super(ctx);
        this.spool = spool;
        this.transport = transport;
        this.clock = clock;
        this.inFlight = new AttemptsInFlight(settings.maxAttemptsInFlight(), settings.maxBytesInFlight());
        this.timers = timers;
        this.changes = new MessageChanges(ctx, spool, new Settlement(settings.schedule(), reports, metrics), clock, busy);
        this.operations = new QueueOperations(ctx, spool, clock, busy, inFlight, changes, new OperatorsSchedule());
        ctx.getSelf().tell(new Wake()); // whatever the spool held at the last stop
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Enqueue.class, this::onEnqueue)
                .onMessage(Attempted.class, this::onAttempted)
                .onMessage(ScheduleRead.class, this::onScheduleRead)
                .onMessage(MessageRead.class, this::onMessageRead)
                .onMessage(Loaded.class, this::onLoaded)
                .onMessage(OperandRead.class, operations::onOperandRead)
                .onMessage(RetryRead.class, operations::onRetryRead)
                .onMessage(Settled.class, this::onSettled)
                .onMessage(Wake.class, wake -> onWake())
                .onMessage(Reread.class, this::onReread)
                .onMessage(Operate.class, operations::onOperate)
                .onMessage(RetryNow.class, operations::onRetryNow)
                .onMessage(Drain.class, this::onDrain)
                .onMessage(DrainOver.class, over -> onDrainOver())
                .build();
    }

    private Behavior<Command> onEnqueue(Enqueue enqueue) {
        if (enqueue.content() != null && !inFlight.contains(enqueue.id()) && !busy.contains(enqueue.id())) {
            fresh.keep(enqueue.id(), enqueue.content());
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

    /**
     * A schedule entry was written: make sure the cursor has not passed it already, nor will when
     * the read of the schedule under way moves it on.
     */
    private void entryWritten(Due entry) {
        cursor.written(entry);
        if (entry.dueEpochMillis() > clock.millis()) {
            wakeBy(entry.dueEpochMillis());
        }
    }

    /** Reads the schedule for due messages, if attempts may start; one read at a time. */
    private void pull() {
        if (drained) {
            return;
        }
        if (cursor.reading()) {
            pullAgain = true;
            return;
        }
        if (!inFlight.roomForAttempt()) {
            return;
        }
        int wanted = inFlight.room();
        long now = Math.min(clock.millis(), drainFrom);
        CompletionStage<List<Due>> due = cursor.read(spool, now, wanted);
        CompletionStage<Due> next = due.thenCompose(read -> read.size() < wanted ? spool.firstDueAfter(now)
                : CompletableFuture.completedFuture(null));
        getContext().pipeToSelf(due.thenCombine(next, (read, after) -> new ScheduleRead(read, after, wanted, now, null)),
                (read, failure) -> failure == null ? read : new ScheduleRead(List.of(), null, wanted, now, failure));
    }

    /** Hands the due messages read to the transport while attempts may start. */
    private Behavior<Command> onScheduleRead(ScheduleRead read) {
        boolean again = pullAgain;
        pullAgain = false;
        if (read.failure() != null) {
            rewind();
            queueLog.error("cannot read the schedule ({}); trying again in a minute", read.failure().getMessage());
            wakeBy(read.now() + STORE_RETRY.toMillis());
            answerIfDrained();
            return this;
        }
        boolean roomLeft = true;
        for (Due entry : read.due()) {
            if (!inFlight.roomForAttempt()) {
                // The entry stays due; the attempt that frees the room pulls again.
                cursor.stopAt(entry);
                roomLeft = false;
                break;
            }
            cursor.passed(entry);
            if (!inFlight.contains(entry.id()) && !busy.contains(entry.id())) {
                start(entry);
            }
        }
        rewind();
        if (read.next() != null) {
            wakeBy(read.next().dueEpochMillis());
        }
        if (roomLeft && (again || read.due().size() == read.wanted())) {
            pull();
        }
        answerIfDrained();
        return this;
    }

    /** The read of the schedule is over: an entry written meanwhile takes the cursor back to it. */
    private void rewind() {
        Due written = cursor.readDone();
        if (written != null) {
            entryWritten(written);
        }
    }

    private void wakeBy(long due) {
        if (due < wakeAt) {
            wakeAt = due;
            long delay = due - clock.millis();
            if (delay > 0) {
                timers.startSingleTimer(new Wake(), Duration.ofMillis(delay));
            } else {
                // Due already (the clock moved on while a commit landed): now, not at the timer's next tick.
                getContext().getSelf().tell(new Wake());
            }
        }
    }

    /**
     * Reads a due message for its attempt: its records first, then, if the bytes in flight leave
     * room for its content (which its record sizes), the content, unless kept from its acceptance.
     */
    private void start(Due entry) {
        byte[] kept = fresh.take(entry.id());
        busy.add(entry.id());
        inFlight.loading();
        recordsRead.put(entry, null);
        getContext().pipeToSelf(spool.message(entry.id()), (message, failure) ->
                new MessageRead(entry, kept, message, failure));
    }

    /** Whether the message is still due at {@code entry}: it may have been settled since it was read. */
    private static boolean current(QueuedMessage message, Due entry) {
        return message != null && !message.state().getHeld() && message.due() == entry.dueEpochMillis();
    }

    private Behavior<Command> onMessageRead(MessageRead read) {
        recordsRead.put(read.entry(), read);
        while (!recordsRead.isEmpty() && recordsRead.firstEntry().getValue() != null) {
            decide(recordsRead.pollFirstEntry().getValue());
        }
        return this;
    }

    private void decide(MessageRead read) {
        Due entry = read.entry();
        if (read.failure() != null) {
            readFailed(entry, read.failure(), 0);
            return;
        }
        if (!current(read.message(), entry)) {
            loaded(entry, 0, () -> { }); // settled meanwhile; its entry is gone or stale
            return;
        }
        if (!inFlight.bytesLeft()) {
            // Attempts read at the same time took the room meanwhile: it waits in the schedule.
            loaded(entry, 0, () -> entryWritten(entry));
            return;
        }
        long reserved = inFlight.reserve(read.message(), read.kept());
        CompletionStage<byte[]> content = read.kept() != null
                ? CompletableFuture.completedFuture(read.kept()) : spool.content(entry.id());
        getContext().pipeToSelf(content, (body, failure) -> new Loaded(entry, read.message(), body, reserved, failure));
    }

    private Behavior<Command> onLoaded(Loaded read) {
        if (read.failure() != null) {
            return readFailed(read.entry(), read.failure(), read.reserved());
        }
        return loaded(read.entry(), read.reserved(), () -> attempt(read.message(), read.content()));
    }

    private Behavior<Command> readFailed(Due entry, Throwable failure, long reserved) {
        queueLog.error("{}: cannot read the message ({}); trying again in a minute", entry.id(), failure.getMessage());
        return loaded(entry, reserved, () -> timers.startSingleTimer(entry, new Reread(entry), STORE_RETRY));
    }

    /**
     * The reading of a due message is over: it is no longer busy, {@code then} runs (its attempt,
     * or why there is none), and the operators' commands that waited for it follow.
     */
    private Behavior<Command> loaded(Due entry, long reserved, Runnable then) {
        inFlight.loaded(reserved);
        List<Operate> waiting = busy.remove(entry.id());
        then.run();
        waiting.forEach(operations::onOperate);
        pull();
        answerIfDrained();
        return this;
    }

    private void attempt(QueuedMessage message, byte[] content) {
        QueueId id = message.id();
        List<Integer> pending = message.pending();
        if (content == null || pending.isEmpty()) {
            queueLog.warn("{}: {}; removing it from the spool", id,
                    content == null ? "content missing" : "no recipient pending");
            changes.commit(message, spool.change().remove(message), List.of(), List.of());
            return;
        }
        Attempt attempt = new Attempt(message, content);
        inFlight.started(attempt);
        CompletionStage<List<RecipientOutcome>> delivery;
        try {
            delivery = transport.deliver(new DeliveryRequest(id, message.envelope(), pending, content));
        } catch (RuntimeException e) {
            delivery = CompletableFuture.failedFuture(e);
        }
        getContext().pipeToSelf(delivery, (outcomes, failure) -> new Attempted(id, outcomes, failure));
    }

    private Behavior<Command> onAttempted(Attempted attempted) {
        Attempt attempt = inFlight.finished(attempted.id());
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
        changes.settle(attempt.message, attempt.content, outcomes, attempt.request, attempt.operators);
        pull();
        answerIfDrained();
        return this;
    }

    private Behavior<Command> onSettled(Settled settled) {
        Commit commit = settled.commit();
        List<Operate> waiting = busy.remove(commit.id());
        if (settled.failure() == null) {
            commit.operators().forEach(operator -> operator.tell(OperationResult.DONE));
            commit.written().forEach(this::entryWritten);
        } else {
            notWritten(commit, settled.failure());
        }
        waiting.forEach(operations::onOperate);
        pull();
        answerIfDrained();
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

    private Behavior<Command> onDrain(Drain drain) {
        drainers.add(drain.replyTo());
        drainFrom = Math.min(drainFrom, clock.millis());
        timers.startSingleTimer(DrainOver.class, new DrainOver(), drain.within());
        answerIfDrained();
        return this;
    }

    /** The drain took too long: what is under way is left to end, or to resume at the next start. */
    private Behavior<Command> onDrainOver() {
        drained = true;
        drainers.forEach(drainer -> drainer.tell(new Drained(inFlight.isEmpty())));
        drainers.clear();
        return this;
    }

    /** Answers the drainers once nothing is under way, nor a read of the schedule that may start more. */
    private void answerIfDrained() {
        if (!drainers.isEmpty() && inFlight.isEmpty() && busy.isEmpty() && !cursor.reading()) {
            drained = true;
            timers.cancel(DrainOver.class);
            drainers.forEach(drainer -> drainer.tell(new Drained(true)));
            drainers.clear();
        }
    }

    /** The queue manager as the operators' commands see it, beside the state they share with it. */
    private final class OperatorsSchedule implements QueueOperations.Scheduler {

        /** Its due time is not known: the cursor goes back to the start of the schedule (only what is due is read). */
        @Override
        public void revisit(QueueId id) {
            entryWritten(new Due(0, id));
            pull();
        }

        @Override
        public void answerIfDrained() {
            QueueManager.this.answerIfDrained();
        }
    }
}
