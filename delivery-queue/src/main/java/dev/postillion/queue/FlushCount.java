package dev.postillion.queue;

import dev.postillion.queue.QueueManager.OperationResult;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Answers a flush once its retries are in the spool: a short-lived actor that hears the outcome
 * of each retry's change and replies with how many landed.
 */
final class FlushCount {

    private FlushCount() {}

    /** Counts the outcomes of {@code changes} retries, then answers {@code replyTo} and stops. */
    static Behavior<OperationResult> of(int changes, ActorRef<Integer> replyTo) {
        return counting(changes, 0, replyTo);
    }

    private static Behavior<OperationResult> counting(int left, int landed, ActorRef<Integer> replyTo) {
        if (left == 0) {
            replyTo.tell(landed);
            return Behaviors.stopped();
        }
        return Behaviors.receiveMessage(result ->
                counting(left - 1, landed + (result == OperationResult.DONE ? 1 : 0), replyTo));
    }
}
