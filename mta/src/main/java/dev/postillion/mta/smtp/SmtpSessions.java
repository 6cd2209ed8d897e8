package dev.postillion.mta.smtp;

import dev.postillion.mta.net.EventLoopDispatchers;
import io.netty.channel.EventLoop;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Parent of the {@link SmtpSession}s of every listener of the node: starts one per connection and,
 * at shutdown, asks them all to finish and reports when the last one has ended.
 */
public final class SmtpSessions {

    public sealed interface Command {}

    /**
     * A new connection to the listener of {@code context}, served by {@code loop}; {@code attach}
     * receives its session.
     */
    public record Open(ListenerContext context, SessionConnection connection, EventLoop loop,
            Consumer<ActorRef<SmtpSession.Command>> attach) implements Command {}

    /** Finish every session (each after its transaction in flight); answer when none is left. */
    public record Drain(ActorRef<Done> replyTo) implements Command {}

    /** The grace period is over: close every session still open, transaction or not. */
    public record CloseAll() implements Command {}

    private record Ended(ActorRef<SmtpSession.Command> session) implements Command {}

    private SmtpSessions() {}

    public static Behavior<Command> create(EventLoopDispatchers dispatchers) {
        return Behaviors.setup(ctx -> {
            Set<ActorRef<SmtpSession.Command>> sessions = new HashSet<>();
            Set<ActorRef<Done>> drainWaiters = new HashSet<>();
            return Behaviors.receive(Command.class)
                    .onMessage(Open.class, open -> {
                        // A session that fails on a bug stops; its client sees the connection close,
                        // and no other session is touched. It runs on its connection's event loop.
                        ActorRef<SmtpSession.Command> session = ctx.spawnAnonymous(Behaviors
                                .supervise(SmtpSession.create(open.context(), open.connection()))
                                .onFailure(SupervisorStrategy.stop()), dispatchers.forLoop(open.loop()));
                        ctx.watchWith(session, new Ended(session));
                        sessions.add(session);
                        open.attach().accept(session);
                        if (!drainWaiters.isEmpty()) {
                            session.tell(new SmtpSession.Drain());
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Drain.class, drain -> {
                        drainWaiters.add(drain.replyTo());
                        sessions.forEach(session -> session.tell(new SmtpSession.Drain()));
                        answerIfDrained(sessions, drainWaiters);
                        return Behaviors.same();
                    })
                    .onMessage(CloseAll.class, closeAll -> {
                        sessions.forEach(session -> session.tell(new SmtpSession.Close()));
                        return Behaviors.same();
                    })
                    .onMessage(Ended.class, ended -> {
                        sessions.remove(ended.session());
                        answerIfDrained(sessions, drainWaiters);
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    private static void answerIfDrained(Set<ActorRef<SmtpSession.Command>> sessions, Set<ActorRef<Done>> waiters) {
        if (sessions.isEmpty() && !waiters.isEmpty()) {
            waiters.forEach(waiter -> waiter.tell(Done.getInstance()));
            waiters.clear();
        }
    }
}
