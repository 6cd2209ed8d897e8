package dev.postillion.queue;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Takes recipients of a spooled message to where they go: a local mailbox or, later, a remote
 * MX. The queue manager is its only caller; it never sees how a recipient is reached.
 */
public interface Transport {

    /**
     * Attempts delivery to the request's recipients. The stage completes with one outcome per
     * requested recipient; it never completes exceptionally for a recipient's problem.
     */
    CompletionStage<List<RecipientOutcome>> deliver(DeliveryRequest request);
}
