package dev.postillion.mta;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.postillion.core.TestPostgres;
import dev.postillion.core.store.PostgresSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

/** Two nodes of one cluster in this JVM, over one new PostgreSQL database, both up when started. */
public record TwoNodes(TestNode one, TestNode two) implements AutoCloseable {

    /**
     * @param keys a directory for the DKIM master key both nodes are given
     * @param extra settings both nodes get
     */
    public static TwoNodes start(Path one, Path two, Path keys, Clock clock, Map<String, Object> extra)
            throws IOException {
        PostgresSettings database = TestPostgres.newDatabase();
        Path masterKey = TestSharedStore.dkimMasterKey(keys);
        int seedPort = ChildNode.freePort();
        TestNode first = TestNode.start(one, settings(database, masterKey, seedPort, seedPort, extra), clock);
        TestNode second = TestNode.start(two, settings(database, masterKey, ChildNode.freePort(), seedPort, extra),
                clock);
        await("one cluster of two").atMost(Duration.ofSeconds(30))
                .until(() -> upMembers(first) == 2 && upMembers(second) == 2);
        return new TwoNodes(first, second);
    }

    private static Map<String, Object> settings(PostgresSettings database, Path masterKey, int clusterPort,
            int seedPort, Map<String, Object> extra) {
        Map<String, Object> settings = new HashMap<>(Map.of(
                "postillion.cluster.port", clusterPort,
                "postillion.cluster.seed-nodes", List.of("pekko://postillion@127.0.0.1:" + seedPort),
                "postillion.store.backend", "postgresql",
                "postillion.dkim.master-key", masterKey.toString(),
                "postillion.store.postgresql.url", database.url(),
                "postillion.store.postgresql.user", database.user()));
        settings.putAll(extra);
        return settings;
    }

    private static long upMembers(TestNode node) throws IOException {
        JsonNode members = new ObjectMapper().readTree(node.get("/api/v1/cluster").body()).get("members");
        return StreamSupport.stream(members.spliterator(), false)
                .filter(member -> member.get("status").asText().equals("up")).count();
    }

    @Override
    public void close() {
        two.close();
        one.close();
    }
}
