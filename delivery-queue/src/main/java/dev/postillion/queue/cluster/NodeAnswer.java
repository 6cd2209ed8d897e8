package dev.postillion.queue.cluster;

import java.util.Locale;

/**
 * How one node took part in a request to the whole cluster's queue, so that a node whose part is
 * missing shows as such, never as an empty queue.
 *
 * @param node the node's cluster address, as {@code GET /api/v1/cluster} names it
 */
public record NodeAnswer(String node, Participation participation) {

    public enum Participation {
        ANSWERED,
        /** It answered that it could not read or change its spool; its log has the cause. */
        FAILED,
        /** It is reachable but did not answer in time (postillion.delivery.cluster-answer-timeout). */
        TIMEOUT,
        /** The cluster's failure detector does not hear it, so it was not asked. */
        UNREACHABLE,
        /**
         * A member of the cluster whose queue service this node has not heard of yet (it is
         * starting, or the registry has not reached this node): not asked, but not left out.
         */
        UNLISTED,
        /**
         * It was removed from the cluster while unreachable: it crashed or was cut off, and its spool
         * waits on its disk until it comes back. Reported until a node at its address serves again.
         */
        DOWN;

        public String apiName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public boolean answered() {
        return participation == Participation.ANSWERED;
    }
}
