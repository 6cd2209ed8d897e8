package dev.postillion.queue.outbound;

import dev.postillion.queue.DeliveryRequest;
import dev.postillion.queue.RecipientOutcome;
import dev.postillion.queue.RecipientOutcome.Status;
import dev.postillion.queue.routing.NextHop;
import dev.postillion.queue.routing.RouteResolver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The queue of one next hop: runs its transactions at most {@code window} at a time, the rest
 * waiting first come, first served, and keeps the connections that finished cleanly for the next
 * transaction (Postfix's per-destination queue in qmgr(8), with smtp(8)'s connection cache).
 *
 * <p><b>Concurrency window</b>, Postfix's slow start: it opens at
 * {@code initial-destination-concurrency}, grows by one with each attempt a server answered, up to
 * {@code destination-concurrency-limit}, and shrinks by one, never below one, with each attempt
 * whose connections failed. A destination that is down is then tried one connection at a time,
 * while one that takes mail well soon gets the full number. (Postfix grows by 1/window per
 * delivery; that refinement is not made here.)
 *
 * <p><b>Rate delay</b>, Postfix's {@code default_destination_rate_delay}: with a
 * {@code destination-rate-delay}, one delivery runs at a time, and the next starts only once that
 * long has passed, by the node's clock, since the last one ended.
 *
 * <p><b>Dead destination</b>, Postfix's {@code destination_concurrency_failed_cohort_limit}: after
 * that many failed attempts in a row at a window of one, the destination is suspended for
 * {@code dead-destination-backoff}: what waits, and what comes meanwhile, is deferred at once
 * with the last failure and no connection, and the queue does not stop while it is suspended, so
 * that it remembers. Then it starts again with a fresh window.
 *
 * <p><b>Connection cache</b>: a connection whose transaction completed is kept for
 * {@code connection-cache-time} and given to the next transaction, which then needs neither DNS,
 * nor connect, nor greeting. Past that time, or on stop, it gets QUIT.
 *
 * <p>When it has been idle for {@code idle-timeout}, the queue offers to stop; its parent accepts
 * only if nothing was sent to it in the meantime (see {@link DestinationQueues}).
 */
final class DestinationQueue extends AbstractBehavior<DestinationQueue.Command> {

    sealed interface Command {}

    /** Deliver these recipients; {@code outcomes} completes, never exceptionally, with one each. */
    record Deliver(DeliveryRequest request, CompletableFuture<List<RecipientOutcome>> outcomes) implements Command {}

    /** Shutdown: defer what waits, finish what runs, QUIT every connection, then stop. */
    record Close() implements Command {}

    private record Attempted(Deliver deliver, DeliveryAttempt.Result result, Throwable failure) implements Command {}

    private record CacheExpired(OutboundConnection connection) implements Command {}

    private record IdleTimeout() implements Command {}

    private record Quitted() implements Command {}

    private record RateDelayOver() implements Command {}

    private static final Object IDLE_TIMER = "idle";
    private static final Object RATE_TIMER = "rate";

    private final NextHop nextHop;
    private final ActorRef<DestinationQueues.Command> parent;
    private final OutboundClient client;
    private final RouteResolver routes;
    private final DestinationSettings settings;
    private final Duration cacheTime;
    private final TimerScheduler<Command> timers;
    private final Deque<Deliver> waiting = new ArrayDeque<>();
    /** Most recently used last: a busy destination keeps its warmest connections. */
    private final Deque<OutboundConnection> idle = new ArrayDeque<>();
    private final Clock clock;
    private int window;
    private int running;
    /** When the last delivery ended, for the rate delay. */
    private Instant lastEnded;
    /** Failed attempts in a row at a window of one. */
    private int failedInARow;
    /** While suspended: until when, and why (the last failure). */
    private Instant suspendedUntil;
    private String suspension;
    /** Deliveries received in all, for the parent to tell whether an offer to stop is current. */
    private long received;
    private boolean closing;
    private int quitting;

    static Behavior<Command> create(NextHop nextHop, ActorRef<DestinationQueues.Command> parent, OutboundClient client,
            RouteResolver routes, DestinationSettings settings, Clock clock) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new DestinationQueue(ctx, nextHop, parent, client, routes, settings, clock, timers)));
    }

    private DestinationQueue(ActorContext<Command> ctx, NextHop nextHop, ActorRef<DestinationQueues.Command> parent,
            OutboundClient client, RouteResolver routes, DestinationSettings settings, Clock clock,
            TimerScheduler<Command> timers) {
        super(ctx);
        this.clock = clock;
        this.nextHop = nextHop;
        this.parent = parent;
        this.client = client;
        this.routes = routes;
        this.settings = settings;
        this.cacheTime = client.settings().connectionCacheTime();
        this.timers = timers;
        this.window = settings.initialConcurrency();
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Deliver.class, this::onDeliver)
                .onMessage(Attempted.class, this::onAttempted)
                .onMessage(CacheExpired.class, this::onCacheExpired)
                .onMessage(IdleTimeout.class, this::onIdleTimeout)
                .onMessage(Close.class, this::onClose)
                .onMessage(Quitted.class, this::onQuitted)
                .onMessage(RateDelayOver.class, over -> {
                    startWaiting();
                    return this;
                })
                .onSignal(PostStop.class, stop -> onPostStop())
                .build();
    }

    private Behavior<Command> onDeliver(Deliver deliver) {
        received++;
        timers.cancel(IDLE_TIMER);
        if (closing) {
            deliver.outcomes().complete(shuttingDown(deliver.request()));
            return this;
        }
        if (suspended()) {
            deliver.outcomes().complete(suspended(deliver.request()));
            return idleWhenDone();
        }
        waiting.add(deliver);
        startWaiting();
        return this;
    }

    /** Whether the destination is suspended now; once the suspension is over, it starts afresh. */
    private boolean suspended() {
        if (suspendedUntil == null) {
            return false;
        }
        if (clock.instant().isBefore(suspendedUntil)) {
            return true;
        }
        getContext().getLog().info("{}: delivery resumed", nextHop);
        suspendedUntil = null;
        failedInARow = 0;
        window = settings.initialConcurrency();
        return false;
    }

    private List<RecipientOutcome> suspended(DeliveryRequest request) {
        return Verdict.local(Status.DEFERRED, "none", "4.4.1", "delivery temporarily suspended: " + suspension)
                .forRecipients(request.recipients());
    }

    private void startWaiting() {
        int limit = settings.rateDelay().isZero() ? window : 1;
        while (running < limit && !waiting.isEmpty() && rateAllows()) {
            start(waiting.poll());
        }
    }

    /**
     * Whether the rate delay since the last delivery is over (always, without one); if it is not, a
     * timer comes back when it will be. A delivery arriving meanwhile looks at the clock again.
     */
    private boolean rateAllows() {
        if (settings.rateDelay().isZero() || lastEnded == null) {
            return true;
        }
        Duration left = Duration.between(clock.instant(), lastEnded.plus(settings.rateDelay()));
        if (left.isNegative() || left.isZero()) {
            return true;
        }
        timers.startSingleTimer(RATE_TIMER, new RateDelayOver(), left);
        return false;
    }

    private void start(Deliver deliver) {
        running++;
        CompletionStage<DeliveryAttempt.Result> attempt;
        try {
            attempt = DeliveryAttempt.run(deliver.request(), nextHop, takeIdleConnection(), client, routes);
        } catch (RuntimeException e) {
            attempt = CompletableFuture.failedFuture(e);
        }
        getContext().pipeToSelf(attempt, (result, failure) -> new Attempted(deliver, result, failure));
    }

    private Behavior<Command> onAttempted(Attempted attempted) {
        running--;
        lastEnded = clock.instant();
        DeliveryRequest request = attempted.deliver().request();
        if (attempted.failure() != null) {
            getContext().getLog().error("{}: delivery to {} failed", request.id(), nextHop, attempted.failure());
            attempted.deliver().outcomes().complete(Verdict.local(Status.DEFERRED, "none", "4.3.0",
                    "delivery failed: " + attempted.failure()).forRecipients(request.recipients()));
        } else {
            DeliveryAttempt.Result result = attempted.result();
            attempted.deliver().outcomes().complete(result.outcomes());
            adjustWindow(result);
            result.connection().ifPresent(this::release);
        }
        startWaiting();
        return closing ? stopWhenDone() : idleWhenDone();
    }

    private void adjustWindow(DeliveryAttempt.Result result) {
        if (result.contact() == DeliveryAttempt.Contact.ANSWERED) {
            failedInARow = 0;
            window = Math.min(settings.concurrencyLimit(), window + 1);
        } else if (result.contact() == DeliveryAttempt.Contact.FAILED) {
            if (window == 1) {
                failedInARow++;
            }
            window = Math.max(1, window - 1);
            if (settings.failedCohortLimit() > 0 && failedInARow >= settings.failedCohortLimit()
                    && suspendedUntil == null && !result.outcomes().isEmpty()) {
                suspend(result.outcomes().get(0).detail());
            }
        }
    }

    /** The destination is dead: what waits is deferred now, and what comes until the backoff is over. */
    private void suspend(String lastFailure) {
        suspendedUntil = clock.instant().plus(settings.deadDestinationBackoff());
        suspension = lastFailure;
        getContext().getLog().warn("{}: delivery temporarily suspended until {}: {}", nextHop, suspendedUntil,
                lastFailure);
        for (Deliver deliver = waiting.poll(); deliver != null; deliver = waiting.poll()) {
            deliver.outcomes().complete(suspended(deliver.request()));
        }
    }

    /** A connection whose transaction ended: into the cache if it can carry another, else QUIT. */
    private void release(OutboundConnection connection) {
        if (closing || cacheTime.isZero() || !connection.reusable()) {
            quit(connection);
            return;
        }
        idle.addLast(connection);
        timers.startSingleTimer(connection, new CacheExpired(connection), cacheTime);
    }

    /** The most recently used cached connection still open, if any. */
    private Optional<OutboundConnection> takeIdleConnection() {
        while (!idle.isEmpty()) {
            OutboundConnection connection = idle.pollLast();
            timers.cancel(connection);
            if (connection.reusable()) {
                return Optional.of(connection);
            }
            connection.quit();
        }
        return Optional.empty();
    }

    private Behavior<Command> onCacheExpired(CacheExpired expired) {
        if (idle.remove(expired.connection())) {
            quit(expired.connection());
        }
        return this;
    }

    private void quit(OutboundConnection connection) {
        if (closing) {
            quitting++;
            getContext().pipeToSelf(connection.quit(), (done, failure) -> new Quitted());
        } else {
            connection.quit();
        }
    }

    private Behavior<Command> idleWhenDone() {
        if (running == 0 && waiting.isEmpty()) {
            timers.startSingleTimer(IDLE_TIMER, new IdleTimeout(), settings.idleTimeout());
        }
        return this;
    }

    private Behavior<Command> onIdleTimeout(IdleTimeout timeout) {
        if (running == 0 && waiting.isEmpty()) {
            if (suspended()) {
                // A new queue would forget that the destination is dead.
                timers.startSingleTimer(IDLE_TIMER, new IdleTimeout(), settings.idleTimeout());
            } else {
                parent.tell(new DestinationQueues.Idle(getContext().getSelf(), nextHop, received));
            }
        }
        return this;
    }

    private Behavior<Command> onClose(Close close) {
        closing = true;
        timers.cancel(IDLE_TIMER);
        for (Deliver deliver = waiting.poll(); deliver != null; deliver = waiting.poll()) {
            deliver.outcomes().complete(shuttingDown(deliver.request()));
        }
        for (OutboundConnection connection = idle.poll(); connection != null; connection = idle.poll()) {
            timers.cancel(connection);
            quit(connection);
        }
        return stopWhenDone();
    }

    private Behavior<Command> onQuitted(Quitted quitted) {
        quitting--;
        return stopWhenDone();
    }

    private Behavior<Command> stopWhenDone() {
        return running == 0 && quitting == 0 ? Behaviors.stopped() : this;
    }

    /** Stopped by the parent while idle: the cached connections get QUIT on the way out. */
    private Behavior<Command> onPostStop() {
        idle.forEach(OutboundConnection::quit);
        idle.clear();
        return this;
    }

    static List<RecipientOutcome> shuttingDown(DeliveryRequest request) {
        return Verdict.local(Status.DEFERRED, "none", "4.3.0", "remote delivery is shutting down")
                .forRecipients(request.recipients());
    }
}
