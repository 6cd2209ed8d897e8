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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 *
 * <p>The manager never waits for the store (ARCHITECTURE rule 2): its reads of the schedule and of
 * messages complete on the store's reader threads and come back as messages. While the records of
 * a message are being read or written for it, the message is busy: it is not handed out, and
 * operators' commands for it wait until it is not.
 */
public final class QueueManager extends AbstractBehavior<QueueManager.Command> {

    public sealed interface Command {}

    /**
     * A message the spool has just committed. Its content is kept for its first attempt, which
     * spares reading it back; null for a message written in pieces, which is read back.
     */
    public record Enqueue(QueueId id, Envelope envelope, byte[] content) implements Command {}

    /**
     * Shutdown: the attempts due now still start, so that messages accepted by the last sessions
     * reach their mailboxes before sharding stops. Answered once none is under way, being read or
     * being settled; from then on no attempt starts, and what comes due waits, due as it was, for
     * the next start (an attempt would only find the mailboxes' shard region gone).
     */
    public record Drain(ActorRef<Done> replyTo) implements Command {}

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
    private record OperandRead(Operate operate, QueuedMessage message, byte[] content, Throwable failure)
            implements Command {}

    /** The messages a flush asked for, as read (null for those gone). */
    private record RetryRead(RetryNow retry, List<QueueId> ids, List<QueuedMessage> messages, Throwable failure)
            implements Command {}

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
    private final Settings settings;
    private final Settlement settlement;
    private final TimerScheduler<Command> timers;
    private final Map<QueueId, Attempt> inFlight = new HashMap<>();
    /** The content of the attempts in {@code inFlight}, in bytes. */
    private long bytesInFlight;
    /**
     * Messages whose records are being read or written (see above), with the operators' commands
     * that wait for them.
     */
    private final Map<QueueId, List<Operate>> busy = new HashMap<>();
    /** Due messages being read for their attempts: they count as attempts under way. */
    private int loading;
    /** The content those being read will hold once attempted, as their records give it. */
    private long bytesLoading;
    /**
     * Due messages whose records are being read (null until read), in due order: they are decided
     * on in that order, so that the bytes in flight go to the earliest, however the reads finish.
     */
    private final TreeMap<Due, MessageRead> recordsRead = new TreeMap<>(SpoolStore::compare);
    /** Another read of the schedule is wanted once the one under way is over. */
    private boolean pullAgain;
    private final FreshContent fresh = new FreshContent();
    private final List<ActorRef<Done>> drainers = new ArrayList<>();
    /** Drained for shutdown: no attempt starts any more. */
    private boolean drained;
    private final ScheduleCursor cursor = new ScheduleCursor();
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
                .onMessage(ScheduleRead.class, this::onScheduleRead)
                .onMessage(MessageRead.class, this::onMessageRead)
                .onMessage(Loaded.class, this::onLoaded)
                .onMessage(OperandRead.class, this::onOperandRead)
                .onMessage(RetryRead.class, this::onRetryRead)
                .onMessage(Settled.class, this::onSettled)
                .onMessage(Wake.class, wake -> onWake())
                .onMessage(Reread.class, this::onReread)
                .onMessage(Operate.class, this::onOperate)
                .onMessage(RetryNow.class, this::onRetryNow)
                .onMessage(Drain.class, this::onDrain)
                .build();
    }

    private Behavior<Command> onEnqueue(Enqueue enqueue) {
        if (enqueue.content() != null && !inFlight.containsKey(enqueue.id()) && !busy.containsKey(enqueue.id())) {
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
        if (!roomForAttempt()) {
            return;
        }
        int wanted = settings.maxAttemptsInFlight() - inFlight.size() - loading;
        long now = clock.millis();
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
            if (!roomForAttempt()) {
                // The entry stays due; the attempt that frees the room pulls again.
                cursor.stopAt(entry);
                roomLeft = false;
                break;
            }
            cursor.passed(entry);
            if (!inFlight.containsKey(entry.id()) && !busy.containsKey(entry.id())) {
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

    private boolean roomForAttempt() {
        return inFlight.size() + loading < settings.maxAttemptsInFlight()
                && bytesInFlight + bytesLoading < settings.maxBytesInFlight();
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
        busy.put(entry.id(), new ArrayList<>());
        loading++;
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
        if (bytesInFlight + bytesLoading >= settings.maxBytesInFlight()) {
            // Attempts read at the same time took the room meanwhile: it waits in the schedule.
            loaded(entry, 0, () -> entryWritten(entry));
            return;
        }
        long weight = weight(read.message(), read.kept());
        bytesLoading += weight;
        CompletionStage<byte[]> content = read.kept() != null
                ? CompletableFuture.completedFuture(read.kept()) : spool.content(entry.id());
        getContext().pipeToSelf(content, (body, failure) -> new Loaded(entry, read.message(), body, weight, failure));
    }

    /**
     * What the attempt will hold of the heap, as {@link Attempt} counts it. A record written before
     * the spool kept content sizes takes the whole of the bytes in flight: such messages go one at
     * a time rather than past the bound.
     */
    private long weight(QueuedMessage message, byte[] kept) {
        long size = kept != null ? kept.length : message.contentSize();
        return size == 0 ? settings.maxBytesInFlight() : size * message.pending().size();
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
        loading--;
        bytesLoading -= reserved;
        List<Operate> waiting = busy.remove(entry.id());
        then.run();
        waiting.forEach(this::onOperate);
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
            commit(new Commit(id, scheduled(message), List.of(), List.of()), spool.change().remove(message));
            return;
        }
        Attempt attempt = new Attempt(message, content);
        inFlight.put(id, attempt);
        bytesInFlight += attempt.weight;
        CompletionStage<List<RecipientOutcome>> delivery;
        try {
            delivery = transport.deliver(new DeliveryRequest(id, message.envelope(), pending, content));
        } catch (RuntimeException e) {
            delivery = CompletableFuture.failedFuture(e);
        }
        getContext().pipeToSelf(delivery, (outcomes, failure) -> new Attempted(id, outcomes, failure));
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
        answerIfDrained();
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
        busy.putIfAbsent(commit.id(), new ArrayList<>());
        getContext().pipeToSelf(spool.commit(change, Durability.BUFFERED), (ok, failure) -> new Settled(commit, failure));
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
        if (waiting != null) {
            waiting.forEach(this::onOperate);
        }
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

    private Behavior<Command> onOperate(Operate operate) {
        QueueId id = operate.id();
        if (busy.containsKey(id)) {
            busy.get(id).add(operate); // act on the state the read or the settlement leaves
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
        busy.put(id, new ArrayList<>());
        CompletionStage<QueuedMessage> message = spool.message(id);
        CompletionStage<byte[]> content = message.thenCompose(read -> read == null
                || operate.operation() != Operation.BOUNCE ? CompletableFuture.completedFuture(null) : spool.content(id));
        getContext().pipeToSelf(message.thenCombine(content, (read, body) -> new OperandRead(operate, read, body, null)),
                (read, failure) -> failure == null ? read : new OperandRead(operate, null, null, failure));
        return this;
    }

    private Behavior<Command> onOperandRead(OperandRead read) {
        Operate operate = read.operate();
        QueuedMessage message = read.message();
        List<Operate> waiting = busy.remove(operate.id());
        List<ActorRef<OperationResult>> operator = List.of(operate.replyTo());
        if (read.failure() != null) {
            queueLog.error("{}: cannot read the message for the operator: {}", operate.id(), read.failure().getMessage());
            operate.replyTo().tell(OperationResult.NOT_WRITTEN);
            revisit(operate.id());
        } else if (message == null) {
            operate.replyTo().tell(OperationResult.NOT_FOUND);
        } else {
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
                case BOUNCE -> settle(message, read.content(), List.of(), Request.BOUNCE, operator);
            }
        }
        waiting.forEach(this::onOperate);
        answerIfDrained();
        return this;
    }

    private Behavior<Command> onRetryNow(RetryNow retry) {
        List<QueueId> ids = retry.ids().stream().distinct()
                .filter(id -> !inFlight.containsKey(id) && !busy.containsKey(id)).toList();
        ids.forEach(id -> busy.put(id, new ArrayList<>()));
        List<CompletableFuture<QueuedMessage>> reads = ids.stream()
                .map(id -> spool.message(id).toCompletableFuture()).toList();
        getContext().pipeToSelf(CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)),
                (done, failure) -> new RetryRead(retry, ids, failure == null
                        ? reads.stream().map(CompletableFuture::join).toList() : List.of(), failure));
        return this;
    }

    private Behavior<Command> onRetryRead(RetryRead read) {
        if (read.failure() != null) {
            queueLog.error("cannot read the messages to retry: {}", read.failure().getMessage());
        }
        List<QueuedMessage> messages = read.failure() != null ? List.of() : read.messages();
        // The flush is answered once its retries are in the store, with how many are.
        ActorRef<OperationResult> counter = getContext().spawnAnonymous(FlushCount.of(
                (int) messages.stream().filter(QueueManager::retriable).count(), read.retry().replyTo()));
        for (int i = 0; i < read.ids().size(); i++) {
            List<Operate> waiting = busy.remove(read.ids().get(i));
            if (read.failure() != null) {
                revisit(read.ids().get(i));
            } else if (retriable(messages.get(i))) {
                reschedule(messages.get(i), clock.millis(), false, List.of(counter));
            }
            waiting.forEach(this::onOperate); // after the retry's own change, as they came after it
        }
        answerIfDrained();
        return this;
    }

    private static boolean retriable(QueuedMessage message) {
        return message != null && !message.state().getHeld();
    }

    /**
     * A busy message whose read failed may have been due while it was busy, and passed over by the
     * cursor: its entry is read again. Its due time is not known, so the cursor goes back to the
     * start of the schedule (of which only what is due is read).
     */
    private void revisit(QueueId id) {
        entryWritten(new Due(0, id));
        pull();
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

    private Behavior<Command> onDrain(Drain drain) {
        drainers.add(drain.replyTo());
        answerIfDrained();
        return this;
    }

    /** Answers the drainers once nothing is under way, nor a read of the schedule that may start more. */
    private void answerIfDrained() {
        if (!drainers.isEmpty() && inFlight.isEmpty() && loading == 0 && busy.isEmpty() && !cursor.reading()) {
            drained = true;
            drainers.forEach(drainer -> drainer.tell(Done.getInstance()));
            drainers.clear();
        }
    }
}
