package dev.postillion.mta;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How this node becomes a member of its cluster, and the name it goes by there (see
 * {@code postillion.cluster} in mta's reference.conf): a cluster of its own, the configured seed
 * nodes, or the pods of its Kubernetes StatefulSet found through the Kubernetes API.
 */
final class ClusterMembership {

    private static final Logger log = LoggerFactory.getLogger(ClusterMembership.class);

    /** Values of {@code postillion.cluster.bootstrap}. */
    private enum Bootstrap { OFF, KUBERNETES }

    private final String nodeName;
    private final Bootstrap bootstrap;
    private final List<String> seedNodes;

    private ClusterMembership(String nodeName, Bootstrap bootstrap, List<String> seedNodes) {
        this.nodeName = nodeName;
        this.bootstrap = bootstrap;
        this.seedNodes = seedNodes;
    }

    /**
     * Reads the settings before anything is started, refusing a bootstrap together with seed nodes:
     * two ways of finding the cluster could form two clusters.
     *
     * @param hostname the node's {@code postillion.hostname}, its name unless one is configured
     */
    static ClusterMembership from(Config config, String hostname) {
        Config cluster = config.getConfig("postillion.cluster");
        String name = cluster.getString("node-name");
        // The seed nodes Pekko itself would use (pekko-node.conf takes postillion.cluster.seed-nodes).
        List<String> seedNodes = config.getStringList("pekko.cluster.seed-nodes");
        Bootstrap bootstrap = switch (cluster.getString("bootstrap")) {
            case "off" -> Bootstrap.OFF;
            case "kubernetes" -> Bootstrap.KUBERNETES;
            default -> throw new IllegalArgumentException("postillion.cluster.bootstrap is \""
                    + cluster.getString("bootstrap") + "\"; it takes off or kubernetes");
        };
        if (bootstrap == Bootstrap.KUBERNETES) {
            if (!seedNodes.isEmpty()) {
                throw new IllegalArgumentException("postillion.cluster.bootstrap = kubernetes finds the other nodes"
                        + " itself: leave postillion.cluster.seed-nodes empty (it lists " + seedNodes + ")");
            }
            requireServiceAccount(config.getConfig("pekko.discovery.kubernetes-api"));
        }
        return new ClusterMembership(name.isBlank() ? hostname : name, bootstrap, seedNodes);
    }

    /**
     * The Kubernetes API discovery reads the pod's service account (its CA certificate and token)
     * when it starts; missing, the start would fail half-way with a bare file name.
     */
    private static void requireServiceAccount(Config discovery) {
        for (String setting : List.of("api-ca-path", "api-token-path")) {
            Path file = Path.of(discovery.getString(setting));
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException("postillion.cluster.bootstrap = kubernetes needs the pod's service"
                        + " account, and " + file + " cannot be read (pekko.discovery.kubernetes-api." + setting
                        + "): run the node in a pod whose service account may list pods (deploy/kubernetes/)");
            }
        }
    }

    /** The node's name in logs. */
    /**
     * The node's name as a cluster role, {@value NodeHealth#NAME_ROLE} followed by it, beside the
     * operator's own roles: how the other nodes learn it, for the admin API's list of members.
     */
    Config namedRole(Config config) {
        List<String> roles = new ArrayList<>(config.getStringList("pekko.cluster.roles"));
        roles.add(NodeHealth.NAME_ROLE + nodeName);
        return ConfigFactory.parseMap(Map.of("pekko.cluster.roles", roles));
    }

    String nodeName() {
        return nodeName;
    }

    /**
     * Joins the cluster. With the Kubernetes bootstrap, Pekko Management serves the contact point
     * the other pods probe (and the /ready and /alive probes); the pod of the lowest address forms
     * the cluster once enough pods see each other, and the others join it. With seed nodes, Pekko
     * joins them by itself; with neither, the node is a cluster of its own.
     */
    void join(ActorSystem<Void> system) {
        if (bootstrap == Bootstrap.KUBERNETES) {
            var management = PekkoManagement.get(system).start().toCompletableFuture().join();
            log.info("Cluster bootstrap: looking for the other nodes through the Kubernetes API, management on {}",
                    management);
            ClusterBootstrap.get(system).start();
        } else if (seedNodes.isEmpty()) {
            Cluster cluster = Cluster.get(system);
            cluster.manager().tell(Join.create(cluster.selfMember().address()));
        }
    }
}
