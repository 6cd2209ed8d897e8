package dev.postillion.queue.cluster;

import dev.postillion.core.QueueId;
import dev.postillion.queue.QueueAdmin;
import dev.postillion.queue.QueueEntry;
import dev.postillion.queue.QueueManager;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's queue, served to the whole cluster: what the node's {@link QueueAdmin} can tell of its
 * own spool and do to it, for any node's admin API ({@link ClusterQueue}). Registered with the
 * receptionist under {@link #KEY}, so that every node finds every other's. It keeps no state: each
 * request is answered when the spool's read, or the queue manager, completes.
 */
public final class QueueAdminService {

    private static final Logger log = LoggerFactory.getLogger(QueueAdminService.class);

    /** Every node's service, one per node. */
    public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "postillion-queue-admin");

    public sealed interface Command {}

    /** A page of the node's queue, as {@link QueueAdmin#list} reads it; answered {@link Listed}. */
    public record ListQueue(QueueAdmin.Filter filter, Optional<QueueId> after, int limit, ActorRef<Answer> replyTo)
            implements Command {}

    /** One message, if the node has it; answered {@link Shown}. */
    public record Show(QueueId id, ActorRef<Answer> replyTo) implements Command {}

    /** An operator's change to one message; answered {@link Operated}, NOT_FOUND by the nodes without it. */
    public record Operate(QueueId id, QueueManager.Operation operation, ActorRef<Answer> replyTo) implements Command {}

    /** Retry now what {@link QueueAdmin#flush} retries; answered {@link Flushed}. */
    public record Flush(Optional<String> domain, ActorRef<Answer> replyTo) implements Command {}

    /** What a node answers; {@link Failed} to any request when its spool or queue manager failed it. */
    public sealed interface Answer {}

    public record Listed(QueueAdmin.Page page) implements Answer {}

    /** @param size the message's size as queued; -1 when the node does not have it */
    public record Shown(Optional<QueueEntry> message, long size) implements Answer {}

    public record Operated(QueueManager.OperationResult result) implements Answer {}

    public record Flushed(int retried) implements Answer {}

    /** The node could not do what was asked; its log has the cause (never sent to the asker). */
    public record Failed() implements Answer {}

    private QueueAdminService() {}

    public static Behavior<Command> create(QueueAdmin queue) {
        return Behaviors.setup(context -> {
            context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
            return Behaviors.receive(Command.class)
                    .onMessage(ListQueue.class, list -> answer(list.replyTo(), "listing the queue",
                            queue.list(list.filter(), list.after(), list.limit()).thenApply(Listed::new)))
                    .onMessage(Show.class, show -> answer(show.replyTo(), "reading message " + show.id(),
                            queue.message(show.id()).thenCompose(message -> message.map(queue::size)
                                    .orElse(CompletableFuture.completedFuture(-1L))
                                    .thenApply(size -> new Shown(message, size)))))
                    .onMessage(Operate.class, operate -> answer(operate.replyTo(),
                            operate.operation() + " of message " + operate.id(),
                            queue.operate(operate.id(), operate.operation()).thenApply(Operated::new)))
                    .onMessage(Flush.class, flush -> answer(flush.replyTo(), "flushing the queue",
                            queue.flush(flush.domain()).thenApply(Flushed::new)))
                    .build();
        });
    }

    /** Answers when {@code work} completes, on its thread: telling an actor is safe from any. */
    private static Behavior<Command> answer(ActorRef<Answer> replyTo, String what,
            CompletionStage<? extends Answer> work) {
        work.whenComplete((answer, failure) -> {
            if (failure == null) {
                replyTo.tell(answer);
            } else {
                log.error("queue admin request failed: {}: {}", what, failure.toString());
                replyTo.tell(new Failed());
            }
        });
        return Behaviors.same();
    }
}
