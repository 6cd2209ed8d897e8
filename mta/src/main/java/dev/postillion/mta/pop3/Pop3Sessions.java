package dev.postillion.mta.pop3;

import dev.postillion.mta.smtp.EventLoopDispatchers;
import io.netty.channel.EventLoop;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Parent of the node's {@link Pop3Session}s: starts one per connection, on its connection's event
 * loop, and at shutdown closes all of them.
 */
final class Pop3Sessions {

    sealed interface Command {}

    /** A new connection; {@code attach} receives its session. */
    record Open(Pop3Context context, Pop3Connection connection, boolean tls, EventLoop loop,
            Consumer<ActorRef<Pop3Session.Command>> attach) implements Command {}

    /** The node stops: every session closes. */
    record CloseAll() implements Command {}

    private record Ended(ActorRef<Pop3Session.Command> session) implements Command {}

    private Pop3Sessions() {}

    static Behavior<Command> create(EventLoopDispatchers dispatchers) {
        return Behaviors.setup(ctx -> {
            Set<ActorRef<Pop3Session.Command>> sessions = new HashSet<>();
            return Behaviors.receive(Command.class)
                    .onMessage(Open.class, open -> {
                        // A session that fails on a bug stops; its client sees the connection close.
                        ActorRef<Pop3Session.Command> session = ctx.spawnAnonymous(Behaviors
                                .supervise(Pop3Session.create(open.context(), open.connection(), open.tls()))
                                .onFailure(SupervisorStrategy.stop()), dispatchers.forLoop(open.loop()));
                        ctx.watchWith(session, new Ended(session));
                        sessions.add(session);
                        open.attach().accept(session);
                        return Behaviors.same();
                    })
                    .onMessage(CloseAll.class, closeAll -> {
                        sessions.forEach(session -> session.tell(new Pop3Session.Shutdown()));
                        return Behaviors.same();
                    })
                    .onMessage(Ended.class, ended -> {
                        sessions.remove(ended.session());
                        return Behaviors.same();
                    })
                    .build();
        });
    }
}
