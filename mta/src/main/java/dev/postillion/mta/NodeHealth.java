package dev.postillion.mta;

import dev.postillion.admin.NodeStatus;
import dev.postillion.core.store.StoreProbe;
import dev.postillion.queue.QueueCounts;
import dev.postillion.queue.routing.DnsRouteResolver;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent.CurrentClusterState;
import org.apache.pekko.cluster.typed.Cluster;

/** The node and its cluster as the admin API shows them ({@code /health}, {@code /api/v1/cluster}, {@code /api/v1/status}). */
final class NodeHealth implements NodeStatus {

    /** The cluster role that carries a node's name ({@code postillion.cluster.node-name}). */
    static final String NAME_ROLE = "node-name:";

    private final AtomicBoolean accepting;
    private final DnsRouteResolver routes;
    private final PrometheusMeterRegistry metrics;
    private final Cluster cluster;
    private final StoreProbe sharedStore;
    private final String name;
    private final QueueCounts queue;

    NodeHealth(AtomicBoolean accepting, StoreProbe sharedStore, DnsRouteResolver routes,
            PrometheusMeterRegistry metrics, ActorSystem<?> system, String name, QueueCounts queue) {
        this.accepting = accepting;
        this.queue = queue;
        this.name = name;
        this.sharedStore = sharedStore;
        this.routes = routes;
        this.metrics = metrics;
        this.cluster = Cluster.get(system);
    }

    @Override
    public boolean accepting() {
        return accepting.get();
    }

    @Override
    public boolean sharedStoreReachable() {
        return sharedStore.reachable();
    }

    @Override
    public Map<String, String> healthDetails() {
        // In this order on /health and in the command line's status, whatever the JVM.
        Map<String, String> details = new LinkedHashMap<>();
        details.put("node", name);
        details.put("dnssec", routes.dnssec().apiName());
        return details;
    }

    @Override
    public String metrics() {
        return metrics.scrape();
    }

    @Override
    public List<NodeStatus.Member> members() {
        CurrentClusterState state = cluster.state();
        Address self = cluster.selfMember().address();
        // Named in full: NodeStatus.Member, the admin API's, is the Member in scope here.
        Set<Address> unreachable = state.getUnreachable().stream()
                .map(org.apache.pekko.cluster.Member::address).collect(Collectors.toSet());
        return StreamSupport.stream(state.getMembers().spliterator(), false)
                .map(member -> new NodeStatus.Member(nameOf(member), member.address().toString(),
                        member.status().toString().toLowerCase(Locale.ROOT),
                        !unreachable.contains(member.address()), member.address().equals(self)))
                .toList();
    }

    @Override
    public Map<String, Long> queueCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (QueueCounts.State state : QueueCounts.State.values()) {
            counts.put(state.label(), queue.count(state));
        }
        return counts;
    }

    /** The member's name, from its role; its address for a node that gives none. */
    private static String nameOf(org.apache.pekko.cluster.Member member) {
        return member.getRoles().stream().filter(role -> role.startsWith(NAME_ROLE))
                .map(role -> role.substring(NAME_ROLE.length())).findFirst()
                .orElse(member.address().toString());
    }
}
