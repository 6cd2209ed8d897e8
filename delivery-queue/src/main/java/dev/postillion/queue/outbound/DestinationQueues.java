package dev.postillion.queue.outbound;

import dev.postillion.queue.DeliveryRequest;
import dev.postillion.queue.RecipientOutcome;
import dev.postillion.queue.routing.NextHop;
import dev.postillion.queue.routing.RouteResolver;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The destination queues of remote delivery, one per next hop: started on a next hop's first
 * message, stopped once idle.
 *
 * <p>A queue that has been idle for a while offers to stop, saying how many deliveries it has
 * received; it is stopped only if that is all this parent has sent it. A delivery sent in the
 * meantime makes the offer stale, and the queue lives on to handle it, so that no delivery is ever
 * sent to a queue on its way out.
 *
 * <p>Protocol messages carry a future for the outcomes rather than an actor to reply to: a
 * delivery may wait its turn behind others for as long as the destination is slow, and an ask
 * timeout would report recipients deferred while their delivery still runs. Every step of a
 * delivery has its own timeout, so the future always completes.
 */
public final class DestinationQueues extends AbstractBehavior<DestinationQueues.Command> {

    public sealed interface Command {}

    /**
     * Deliver the request's recipients, all routed to {@code nextHop}, in one transaction;
     * {@code outcomes} completes, never exceptionally, with one outcome each.
     */
    public record Deliver(NextHop nextHop, DeliveryRequest request,
            CompletableFuture<List<RecipientOutcome>> outcomes) implements Command {}

    /**
     * Shutdown: waiting deliveries are deferred, running ones finish, every connection gets QUIT;
     * {@code closed} completes when all is done. Deliveries sent afterwards are deferred at once.
     */
    public record Close(CompletableFuture<Done> closed) implements Command {}

    /** A destination queue, idle, offers to stop; {@code received} deliveries in all. */
    record Idle(ActorRef<DestinationQueue.Command> queue, NextHop nextHop, long received) implements Command {}

    private record Stopped(ActorRef<DestinationQueue.Command> queue) implements Command {}

    private static final class Queue {
        final ActorRef<DestinationQueue.Command> ref;
        long sent;

        Queue(ActorRef<DestinationQueue.Command> ref) {
            this.ref = ref;
        }
    }

    private final OutboundClient client;
    private final RouteResolver routes;
    private final DestinationSettings settings;
    private final Clock clock;
    private final Map<NextHop, Queue> queues = new HashMap<>();
    private final Set<ActorRef<DestinationQueue.Command>> closingQueues = new HashSet<>();
    private long started;
    private CompletableFuture<Done> closed;

    /** @param clock tells when a dead next hop's suspension ends */
    public static Behavior<Command> create(OutboundClient client, RouteResolver routes, DestinationSettings settings,
            Clock clock) {
        return Behaviors.setup(ctx -> new DestinationQueues(ctx, client, routes, settings, clock));
    }

    private DestinationQueues(ActorContext<Command> ctx, OutboundClient client, RouteResolver routes,
            DestinationSettings settings, Clock clock) {
        super(ctx);
        this.client = client;
        this.routes = routes;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Deliver.class, this::onDeliver)
                .onMessage(Idle.class, this::onIdle)
                .onMessage(Close.class, this::onClose)
                .onMessage(Stopped.class, this::onStopped)
                .build();
    }

    private Behavior<Command> onDeliver(Deliver deliver) {
        if (closed != null) {
            deliver.outcomes().complete(DestinationQueue.shuttingDown(deliver.request()));
            return this;
        }
        Queue queue = queues.computeIfAbsent(deliver.nextHop(), this::startQueue);
        queue.sent++;
        queue.ref.tell(new DestinationQueue.Deliver(deliver.request(), deliver.outcomes()));
        return this;
    }

    private Queue startQueue(NextHop nextHop) {
        // Resume on a bug: the queue's state is the deliveries it runs and the futures they complete.
        Behavior<DestinationQueue.Command> queue = Behaviors.supervise(
                DestinationQueue.create(nextHop, getContext().getSelf(), client, routes, settings, clock))
                .onFailure(SupervisorStrategy.resume());
        // Numbered, as the name of a queue stopped a moment ago may not be free yet.
        String name = URLEncoder.encode(nextHop.toString(), StandardCharsets.UTF_8) + "-" + ++started;
        return new Queue(getContext().spawn(queue, name));
    }

    private Behavior<Command> onIdle(Idle idle) {
        Queue queue = queues.get(idle.nextHop());
        if (queue != null && queue.ref.equals(idle.queue()) && queue.sent == idle.received() && closed == null) {
            queues.remove(idle.nextHop());
            getContext().stop(queue.ref);
        }
        return this;
    }

    private Behavior<Command> onClose(Close close) {
        if (closed != null) {
            closed.whenComplete((done, failure) -> close.closed().complete(Done.getInstance()));
            return this;
        }
        closed = close.closed();
        for (Queue queue : queues.values()) {
            closingQueues.add(queue.ref);
            getContext().watchWith(queue.ref, new Stopped(queue.ref));
            queue.ref.tell(new DestinationQueue.Close());
        }
        queues.clear();
        return closedWhenAllStopped();
    }

    private Behavior<Command> onStopped(Stopped stopped) {
        closingQueues.remove(stopped.queue());
        return closedWhenAllStopped();
    }

    private Behavior<Command> closedWhenAllStopped() {
        if (closingQueues.isEmpty()) {
            closed.complete(Done.getInstance());
        }
        return this;
    }
}
