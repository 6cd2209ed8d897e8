package dev.postillion.mta;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postillion.core.TestPostgres;
import dev.postillion.core.store.PostgresSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

/**
 * Node JVMs on loopback sharing one throwaway PostgreSQL database: one mail service, started as
 * deploy/local-cluster.sh starts it. Every node lists every node as a seed, so that a node restarted
 * after a crash, the first seed too, joins the cluster that went on without it instead of forming
 * one of its own.
 */
final class TestCluster {

    private static final Duration SETTLED = Duration.ofSeconds(60);

    private final List<ChildNode> nodes;

    TestCluster(List<ChildNode> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /**
     * Starts every node, with its data under {@code workDir}/node1, node2..., and returns once each
     * accepts mail and sees all of them as up members.
     *
     * @param settings {@code -Dkey=value} options given to every node
     */
    void start(Path workDir, List<String> settings) throws IOException {
        PostgresSettings database = TestPostgres.newDatabase();
        Path masterKey = TestSharedStore.dkimMasterKey(workDir);
        List<Integer> clusterPorts = new ArrayList<>();
        List<String> seeds = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            clusterPorts.add(ChildNode.freePort());
            seeds.add("-Dpostillion.cluster.seed-nodes." + i + "=pekko://postillion@127.0.0.1:" + clusterPorts.get(i));
        }
        for (int i = 0; i < nodes.size(); i++) {
            ChildNode node = nodes.get(i);
            node.configure(List.of(
                    "-Dpostillion.store.backend=postgresql",
                    "-Dpostillion.store.postgresql.url=" + database.url(),
                    "-Dpostillion.store.postgresql.user=" + database.user(),
                    "-Dpostillion.dkim.master-key=" + masterKey,
                    "-Dpostillion.cluster.port=" + clusterPorts.get(i),
                    "-Dpostillion.cluster.node-name=node" + (i + 1)));
            node.configure(seeds);
            node.configure(settings);
        }
        for (int i = 0; i < nodes.size(); i++) {
            nodes.get(i).launch(workDir.resolve("node" + (i + 1)));
        }
        nodes.forEach(ChildNode::awaitAccepting);
        awaitMembers(nodes);
    }

    /** Waits until each of {@code members} sees exactly them as the up members of the cluster. */
    static void awaitMembers(List<ChildNode> members) {
        await(members.size() + " members up on each of them").atMost(SETTLED).until(() -> members.stream()
                .allMatch(node -> {
                    JsonNode seen = node.get("/api/v1/cluster").get("members");
                    return seen.size() == members.size() && StreamSupport.stream(seen.spliterator(), false)
                            .allMatch(member -> member.get("status").asText().equals("up"));
                }));
    }
}
