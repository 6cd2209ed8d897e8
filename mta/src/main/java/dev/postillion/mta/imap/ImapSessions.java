package dev.postillion.mta.imap;

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
 * Parent of the node's {@link ImapSession}s: starts one per connection, on its connection's event
 * loop, and at shutdown says goodbye to all of them.
 */
public final class ImapSessions {

    public sealed interface Command {}

    /** A new connection; {@code attach} receives its session. */
    record Open(ImapContext context, ImapConnection connection, boolean tls, EventLoop loop,
            Consumer<ActorRef<ImapSession.Command>> attach) implements Command {}

    /** The node stops: every session says BYE and closes. */
    public record CloseAll() implements Command {}

    private record Ended(ActorRef<ImapSession.Command> session) implements Command {}

    private ImapSessions() {}

    public static Behavior<Command> create(EventLoopDispatchers dispatchers) {
        return Behaviors.setup(ctx -> {
            Set<ActorRef<ImapSession.Command>> sessions = new HashSet<>();
            return Behaviors.receive(Command.class)
                    .onMessage(Open.class, open -> {
                        // A session that fails on a bug stops; its client sees the connection close.
                        ActorRef<ImapSession.Command> session = ctx.spawnAnonymous(Behaviors
                                .supervise(ImapSession.create(open.context(), open.connection(), open.tls()))
                                .onFailure(SupervisorStrategy.stop()), dispatchers.forLoop(open.loop()));
                        ctx.watchWith(session, new Ended(session));
                        sessions.add(session);
                        open.attach().accept(session);
                        return Behaviors.same();
                    })
                    .onMessage(CloseAll.class, closeAll -> {
                        sessions.forEach(session -> session.tell(new ImapSession.Shutdown()));
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
