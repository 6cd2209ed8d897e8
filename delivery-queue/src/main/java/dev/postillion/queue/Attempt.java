package dev.postillion.queue;

import dev.postillion.queue.QueueManager.OperationResult;
import dev.postillion.queue.Settlement.Request;
import dev.postillion.queue.SpoolStore.QueuedMessage;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/** A delivery attempt under way, as the queue manager keeps it until its settlement. */
final class Attempt {

    final QueuedMessage message;
    final byte[] content;
    /**
     * What the attempt may hold of the heap: its content once per pending recipient, for a
     * mailbox stores a copy of its own.
     */
    final long weight;
    /** What an operator asked for meanwhile, applied at settlement. */
    Request request = Request.NONE;
    final List<ActorRef<OperationResult>> operators = new ArrayList<>();

    Attempt(QueuedMessage message, byte[] content) {
        this.message = message;
        this.content = content;
        this.weight = (long) content.length * message.pending().size();
    }
}
