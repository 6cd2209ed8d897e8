package dev.postillion.queue.outbound;

import dev.postillion.queue.RecipientOutcome;
import java.util.List;

/** How one mail transaction on a connection ended. */
public sealed interface TransactionResult {

    /**
     * The server answered to the end: one outcome per recipient. The connection is fit for
     * another transaction if {@link OutboundConnection#reusable()} says so.
     */
    record Completed(List<RecipientOutcome> outcomes) implements TransactionResult {
        public Completed {
            outcomes = List.copyOf(outcomes);
        }
    }

    /**
     * The connection failed after the server had answered MAIL: recipients it had already refused
     * keep their answer, the others are deferred (4.4.2). The connection is closed.
     */
    record Broken(List<RecipientOutcome> outcomes) implements TransactionResult {
        public Broken {
            outcomes = List.copyOf(outcomes);
        }
    }

    /**
     * The connection failed before the server answered MAIL: nothing was delivered and nothing is
     * known, so the recipients may go over another connection at once. This is how a cached
     * connection that the server has dropped in the meantime shows itself.
     *
     * @param verdict what to tell the recipients should there be no other connection to try
     */
    record Unstarted(Verdict verdict) implements TransactionResult {}
}
