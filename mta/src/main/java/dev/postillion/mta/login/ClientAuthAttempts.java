package dev.postillion.mta.login;

import java.time.Clock;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * The SMTP AUTH attempts in a row of one client network (an IPv4 address or an IPv6 /64), for the
 * whole cluster: reached through Cluster Sharding keyed by the network, so that a guesser counts
 * the same whichever node it connects to. One actor takes the attempts one at a time, so sessions
 * at once on several nodes get at most {@code limit} checks between them.
 *
 * <p>A count unchanged for {@code forgetAfter} (the lockout) counts as none, and the actor is kept
 * as long (its sharding passivates it once idle that long). Kept in memory: the node that holds it
 * dying starts the network's count over, which costs at most one more round of guesses; the
 * lockout it led to is in the shared store ({@link AuthLockouts}) and holds.
 */
public final class ClientAuthAttempts extends AbstractBehavior<ClientAuthAttempts.Command> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "ClientAuthAttempts");

    public sealed interface Command {}

    /**
     * Counts one attempt unless {@code limit} in a row are counted already. One that arrives after
     * {@code deadlineMillis} is dropped uncounted: its asker has already given up and answered the
     * client 454, and a count for a check that never ran must not lock the network out (a message
     * held up while a node was unreachable, or while its shard moved). The deadline is the
     * asker's clock read by another node: the nodes' clocks must agree (NTP) to well within the
     * ask's 5 s.
     */
    public record Count(int limit, long deadlineMillis, ActorRef<Counted> replyTo) implements Command {}

    /** An attempt that succeeded, or could not be checked, is no guess: it is taken back. */
    public record TakeBack() implements Command {}

    /** Sharding's stop message. */
    public record Passivate() implements Command {}

    /**
     * The answer to {@link Count}.
     *
     * @param admitted whether the attempt was counted, and may be checked
     * @param inARow the attempts in a row counted, this one included when admitted
     */
    public record Counted(boolean admitted, int inARow) {}

    private final Clock clock;
    private final long forgetAfterMillis;
    private int inARow;
    private long lastMillis;

    public static Behavior<Command> create(Clock clock, Duration forgetAfter) {
        return Behaviors.setup(context -> new ClientAuthAttempts(context, clock, forgetAfter));
    }

    private ClientAuthAttempts(ActorContext<Command> context, Clock clock, Duration forgetAfter) {
        super(context);
        this.clock = clock;
        this.forgetAfterMillis = forgetAfter.toMillis();
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Count.class, this::onCount)
                .onMessage(TakeBack.class, takeBack -> onTakeBack())
                .onMessage(Passivate.class, passivate -> Behaviors.stopped())
                .build();
    }

    private Behavior<Command> onCount(Count count) {
        long now = clock.millis();
        if (now > count.deadlineMillis()) {
            return this;
        }
        forgetIfOld(now);
        boolean admitted = inARow < count.limit();
        if (admitted) {
            inARow++;
            lastMillis = now;
        }
        count.replyTo().tell(new Counted(admitted, inARow));
        return this;
    }

    /** Keeps the time of the last attempt: taking one back does not make the others younger. */
    private Behavior<Command> onTakeBack() {
        forgetIfOld(clock.millis());
        inARow = Math.max(0, inARow - 1);
        return this;
    }

    private void forgetIfOld(long now) {
        if (now - lastMillis > forgetAfterMillis) {
            inARow = 0;
        }
    }
}
