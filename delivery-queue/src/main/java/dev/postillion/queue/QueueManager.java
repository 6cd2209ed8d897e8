package dev.postillion.queue;

import dev.postillion.core.Envelope;
import dev.postillion.core.QueueId;
import dev.postillion.core.proto.RecipientState;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
 * Schedules delivery of spooled messages (the job of Postfix's qmgr(8)): hands each message's
 * pending recipients to the {@link Transport}, records final outcomes in the spool, retries the
 * deferred ones with backoff, and removes a message once its last recipient is final.
 */
public final class QueueManager extends AbstractBehavior<QueueManager.Command> {

    public sealed interface Command {}

    /** A message the spool has just committed. */
    public record Enqueue(QueueId id, Envelope envelope, byte[] content) implements Command {}

    /** A message found in the spool at start-up, with the recipients not yet final. */
    public record Resume(QueueId id, Envelope envelope, List<Integer> pendingRecipients) implements Command {}

    /**
     * Answered once no delivery attempt is in flight: at shutdown, so that messages accepted by the
     * last sessions reach their mailboxes before sharding stops.
     */
    public record AwaitIdle(ActorRef<Done> replyTo) implements Command {}

    private record Attempted(QueueId id, List<RecipientOutcome> outcomes, Throwable failure) implements Command {}

    private record RetryDue(QueueId id) implements Command {}

    /** {@code postillion.delivery.retry}: backoff of deferred recipients. */
    public record RetrySettings(Duration first, Duration max) {
        Duration after(int attempts) {
            Duration delay = first.multipliedBy(1L << Math.min(attempts - 1, 20));
            return delay.compareTo(max) > 0 ? max : delay;
        }
    }

    /** The queue's log, one line per delivery attempt per recipient (ARCHITECTURE "Operations"). */
    private static final Logger queueLog = LoggerFactory.getLogger("postillion.queue");

    private static final class Active {
        final Envelope envelope;
        final Set<Integer> pending;
        byte[] content;
        int attempts;

        Active(Envelope envelope, List<Integer> pending, byte[] content) {
            this.envelope = envelope;
            this.pending = new LinkedHashSet<>(pending);
            this.content = content;
        }
    }

    private final SpoolStore spool;
    private final Transport transport;
    private final Clock clock;
    private final RetrySettings retry;
    private final TimerScheduler<Command> timers;
    private final Map<QueueId, Active> active = new HashMap<>();
    private final List<ActorRef<Done>> idleWaiters = new ArrayList<>();
    /** Messages due for an attempt while {@code maxAttemptsInFlight} are under way, oldest first. */
    private final Deque<QueueId> awaitingSlot = new ArrayDeque<>();
    private final int maxAttemptsInFlight;
    private int attemptsInFlight;

    /**
     * @param maxAttemptsInFlight deliveries under way at once; more wait their turn, so that a
     *     large spool resumed at start-up is not read into memory and sent off all at once
     */
    public static Behavior<Command> create(SpoolStore spool, Transport transport, Clock clock, RetrySettings retry,
            int maxAttemptsInFlight) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new QueueManager(ctx, spool, transport, clock, retry, maxAttemptsInFlight, timers)));
    }

    private QueueManager(ActorContext<Command> ctx, SpoolStore spool, Transport transport, Clock clock,
            RetrySettings retry, int maxAttemptsInFlight, TimerScheduler<Command> timers) {
        super(ctx);
        this.maxAttemptsInFlight = maxAttemptsInFlight;
        this.spool = spool;
        this.transport = transport;
        this.clock = clock;
        this.retry = retry;
        this.timers = timers;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Enqueue.class, this::onEnqueue)
                .onMessage(Resume.class, this::onResume)
                .onMessage(Attempted.class, this::onAttempted)
                .onMessage(RetryDue.class, this::onRetryDue)
                .onMessage(AwaitIdle.class, this::onAwaitIdle)
                .build();
    }

    private Behavior<Command> onEnqueue(Enqueue enqueue) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < enqueue.envelope().recipients().size(); i++) {
            all.add(i);
        }
        active.put(enqueue.id(), new Active(enqueue.envelope(), all, enqueue.content()));
        attempt(enqueue.id());
        return this;
    }

    private Behavior<Command> onResume(Resume resume) {
        if (resume.pendingRecipients().isEmpty()) {
            logFailure(resume.id(), spool.finish(resume.id(), List.of(), true));
            return this;
        }
        active.put(resume.id(), new Active(resume.envelope(), resume.pendingRecipients(), null));
        attempt(resume.id());
        return this;
    }

    private Behavior<Command> onRetryDue(RetryDue due) {
        if (active.containsKey(due.id())) {
            attempt(due.id());
        }
        return this;
    }

    private void attempt(QueueId id) {
        if (attemptsInFlight >= maxAttemptsInFlight) {
            awaitingSlot.add(id);
        } else {
            startAttempt(id);
        }
    }

    /** Hands freed slots to the messages that waited for one. */
    private void startAwaiting() {
        while (attemptsInFlight < maxAttemptsInFlight && !awaitingSlot.isEmpty()) {
            QueueId id = awaitingSlot.poll();
            if (active.containsKey(id)) {
                startAttempt(id);
            }
        }
    }

    private void startAttempt(QueueId id) {
        Active message = active.get(id);
        byte[] content;
        try {
            content = message.content != null ? message.content : spool.content(id);
        } catch (RuntimeException e) {
            // The store is failing: try again later rather than lose track of the message.
            getContext().getLog().warn("{}: cannot read the spool ({}); retrying later", id, e.getMessage());
            timers.startSingleTimer(id, new RetryDue(id), retry.after(Math.max(1, message.attempts)));
            return;
        }
        if (content == null) {
            getContext().getLog().warn("{}: content missing from the spool; dropping the entry", id);
            active.remove(id);
            logFailure(id, spool.finish(id, List.of(), true));
            return;
        }
        message.attempts++;
        attemptsInFlight++;
        DeliveryRequest request = new DeliveryRequest(id, message.envelope, List.copyOf(message.pending), content);
        CompletionStage<List<RecipientOutcome>> delivery;
        try {
            delivery = transport.deliver(request);
        } catch (RuntimeException e) {
            delivery = CompletableFuture.failedFuture(e);
        }
        getContext().pipeToSelf(delivery, (outcomes, failure) -> new Attempted(id, outcomes, failure));
    }

    private Behavior<Command> onAwaitIdle(AwaitIdle await) {
        idleWaiters.add(await.replyTo());
        answerIfIdle();
        return this;
    }

    private void answerIfIdle() {
        if (attemptsInFlight == 0) {
            idleWaiters.forEach(waiter -> waiter.tell(Done.getInstance()));
            idleWaiters.clear();
        }
    }

    private Behavior<Command> onAttempted(Attempted attempted) {
        attemptsInFlight--;
        try {
            return recordOutcomes(attempted);
        } finally {
            startAwaiting();
            answerIfIdle();
        }
    }

    private Behavior<Command> recordOutcomes(Attempted attempted) {
        Active message = active.get(attempted.id());
        if (message == null) {
            return this;
        }
        List<RecipientOutcome> outcomes = attempted.failure() == null
                ? attempted.outcomes()
                : message.pending.stream()
                        .map(i -> RecipientOutcome.local(i, RecipientOutcome.Status.DEFERRED, "none", "4.3.0",
                                "delivery failed: " + attempted.failure().getMessage()))
                        .toList();
        List<Integer> finished = new ArrayList<>();
        for (RecipientOutcome outcome : outcomes) {
            logAttempt(attempted.id(), message, outcome);
            if (outcome.isFinal()) {
                finished.add(outcome.recipient());
                message.pending.remove(outcome.recipient());
            }
        }
        if (message.pending.isEmpty()) {
            active.remove(attempted.id());
            logFailure(attempted.id(), spool.finish(attempted.id(), finished, true));
            return this;
        }
        if (!finished.isEmpty()) {
            logFailure(attempted.id(), spool.finish(attempted.id(), finished, false));
        }
        scheduleRetry(attempted.id(), message, outcomes);
        return this;
    }

    private void scheduleRetry(QueueId id, Active message, List<RecipientOutcome> outcomes) {
        Duration delay = retry.after(message.attempts);
        long next = clock.millis() + delay.toMillis();
        for (RecipientOutcome outcome : outcomes) {
            if (!outcome.isFinal()) {
                logFailure(id, spool.defer(id, outcome.recipient(), RecipientState.newBuilder()
                        .setStatus(RecipientState.Status.PENDING)
                        .setAttempts(message.attempts)
                        .setLastReply(outcome.detail())
                        .setNextAttemptEpochMillis(next)
                        .build()));
            }
        }
        message.content = null; // re-read at the next attempt rather than held while waiting
        timers.startSingleTimer(id, new RetryDue(id), delay);
    }

    /**
     * A spool update that fails is not fatal: the recipients stay pending in the store and are
     * delivered again (idempotently) after the next start. It must not pass unnoticed, though.
     */
    private void logFailure(QueueId id, CompletionStage<Void> write) {
        write.whenComplete((ok, failure) -> {
            if (failure != null) {
                queueLog.error("{}: spool update failed: {}", id, failure.getMessage());
            }
        });
    }

    private void logAttempt(QueueId id, Active message, RecipientOutcome outcome) {
        double delay = (clock.millis() - message.envelope.arrival().toEpochMilli()) / 1000.0;
        queueLog.info("{}: to=<{}>, relay={}, delay={}, dsn={}, status={} ({})", id,
                message.envelope.recipients().get(outcome.recipient()).address(), outcome.relay(),
                String.format(Locale.ROOT, "%.2f", Math.max(0, delay)), outcome.dsn(), outcome.status().logName(),
                outcome.detail());
    }
}
