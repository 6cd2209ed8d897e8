package dev.postillion.admin;

import java.util.List;
import java.util.Map;

/** What the admin API shows of the node itself and of its cluster; implemented in mta. */
public interface NodeStatus {

    /**
     * A member of the cluster.
     *
     * @param name its {@code postillion.cluster.node-name}
     * @param address its Pekko address, which names it in the cluster
     * @param status its membership status, lower case: joining, up, leaving, exiting, down, removed
     * @param reachable whether the failure detector hears it; an unreachable member is down or cut off
     * @param self whether it is the node answering
     */
    record Member(String name, String address, String status, boolean reachable, boolean self) {}

    /** Whether the node accepts mail: from start-up until shutdown begins. */
    boolean accepting();

    /**
     * Whether the store the nodes share answers. When it does not, the node is up but can take
     * only what needs no shared record (SMTP answers 451 4.3.0 for the rest, and delivery waits).
     */
    boolean sharedStoreReachable();

    /**
     * How parts of the node work now, shown by {@code /health} beside the status, such as
     * {@code "dnssec": "unavailable"}: a node that accepts mail may still work degraded.
     */
    Map<String, String> healthDetails();

    /** The node's metrics in Prometheus's text format, read at each scrape. */
    String metrics();

    /** The cluster's members as this node sees them, itself included. */
    List<Member> members();

    /**
     * The messages in this node's spool by state (active, deferred, hold), as the queue keeps
     * them counted: the spool is node-local, so each node answers for its own.
     */
    Map<String, Long> queueCounts();
}
