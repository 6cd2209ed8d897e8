package dev.postillion.mta.access;

import dev.postillion.mta.net.EventLoopDispatchers;
import io.netty.channel.EventLoop;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Parent of one mail-access protocol's sessions (IMAP's, POP3's): starts one per connection, on
 * its connection's event loop, and at shutdown tells each to end.
 */
public final class AccessSessions {

    public sealed interface Command {}

    /**
     * A new connection: {@code session} is started and handed to {@code attach}; at shutdown it
     * is told {@code shutdown}.
     */
    public record Open<C>(Behavior<C> session, C shutdown, EventLoop loop, Consumer<ActorRef<C>> attach)
            implements Command {}

    /** The node stops: every session ends. */
    public record CloseAll() implements Command {}

    private record Ended(ActorRef<?> session) implements Command {}

    private AccessSessions() {}

    static Behavior<Command> create(EventLoopDispatchers dispatchers) {
        return Behaviors.setup(ctx -> {
            Map<ActorRef<?>, Runnable> sessions = new HashMap<>();
            return Behaviors.receive(Command.class)
                    .onMessage(Open.class, open -> {
                        spawn(ctx, dispatchers, sessions, open);
                        return Behaviors.same();
                    })
                    .onMessage(CloseAll.class, closeAll -> {
                        sessions.values().forEach(Runnable::run);
                        return Behaviors.same();
                    })
                    .onMessage(Ended.class, ended -> {
                        sessions.remove(ended.session());
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    /** A session that fails on a bug stops; its client sees the connection close, no other session is touched. */
    private static <C> void spawn(ActorContext<Command> ctx, EventLoopDispatchers dispatchers,
            Map<ActorRef<?>, Runnable> sessions, Open<C> open) {
        ActorRef<C> session = ctx.spawnAnonymous(Behaviors.supervise(open.session())
                .onFailure(SupervisorStrategy.stop()), dispatchers.forLoop(open.loop()));
        ctx.watchWith(session, new Ended(session));
        sessions.put(session, () -> session.tell(open.shutdown()));
        open.attach().accept(session);
    }
}
