package dev.postillion.mta.policy.limits;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * The message rate of one client IP address, as Postfix's anvil(8) counts it for
 * {@code smtpd_client_message_rate_limit}: MAIL commands in a fixed one-minute window that opens
 * with the first one counted. Every MAIL counts, refused ones too, so a client that keeps trying
 * stays refused until its window ends. Reached through Cluster Sharding keyed by the address, so
 * that every node of a cluster counts the client's messages together. Kept in memory only: a
 * counter that passivates or moves starts a new window, which costs at most one minute's limit.
 */
public final class ClientRate extends AbstractBehavior<ClientRate.Command> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "ClientRate");

    /** The length of a window. */
    static final Duration WINDOW = Duration.ofMinutes(1);

    public sealed interface Command {}

    /** Counts one message; answers whether it is within {@code limit} messages a minute. */
    public record Count(int limit, ActorRef<Verdict> replyTo) implements Command {}

    /** Sharding's stop message. */
    public record Passivate() implements Command {}

    /** The answer to {@link Count}; {@code count} includes the message just counted. */
    public record Verdict(boolean allowed, int count) {}

    private final Clock clock;
    private Instant windowStart = Instant.MIN;
    private int count;

    public static Behavior<Command> create(Clock clock) {
        return Behaviors.setup(ctx -> new ClientRate(ctx, clock));
    }

    private ClientRate(ActorContext<Command> ctx, Clock clock) {
        super(ctx);
        this.clock = clock;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Count.class, this::onCount)
                .onMessage(Passivate.class, passivate -> Behaviors.stopped())
                .build();
    }

    private Behavior<Command> onCount(Count counted) {
        Instant now = clock.instant();
        if (windowStart.equals(Instant.MIN) || !now.isBefore(windowStart.plus(WINDOW))) {
            windowStart = now;
            count = 0;
        }
        if (count < Integer.MAX_VALUE) {
            count++;
        }
        counted.replyTo().tell(new Verdict(count <= counted.limit(), count));
        return this;
    }
}
