package dev.postillion.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cluster's nodes, each with its data directory, share one secret through the PostgreSQL store. */
class SharedSecretTest {

    @TempDir Path nodes;
    private Store shared;

    @BeforeEach
    void open() {
        shared = TestStores.open(TestPostgres.newDatabase(), List.of(SharedSecret.FAMILY));
    }

    @AfterEach
    void close() {
        shared.close();
    }

    @Test
    void nodesStartingAtOnceWithoutASecretAllTakeTheOneTheFirstMade() throws Exception {
        ExecutorService starting = Executors.newFixedThreadPool(3);
        List<Future<String>> secrets = new ArrayList<>();
        try {
            for (int node = 1; node <= 3; node++) {
                Path dataDir = nodes.resolve("node" + node);
                secrets.add(starting.submit(() -> SharedSecret.resolve(shared, "srs.secret", dataDir, "the SRS secret")));
            }
            String first = secrets.get(0).get(60, TimeUnit.SECONDS);
            for (int node = 1; node <= 3; node++) {
                assertEquals(first, secrets.get(node - 1).get(60, TimeUnit.SECONDS));
                Path file = nodes.resolve("node" + node).resolve("srs.secret");
                assertEquals(first, Files.readString(file));
                assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
            }
        } finally {
            starting.shutdown();
        }
    }

    @Test
    void aSecretTheOperatorWroteIntoANodesFileIsTheOneTheNodesStartingAfterTake() throws IOException {
        String generated = SharedSecret.resolve(shared, "admin-token", nodes.resolve("node1"), "the admin API token");
        Path operators = nodes.resolve("node2").resolve("admin-token");
        Files.createDirectories(operators.getParent());
        Files.writeString(operators, "chosen-by-the-operator\n");

        assertEquals("chosen-by-the-operator\n", SharedSecret.resolve(shared, "admin-token", nodes.resolve("node2"), "the admin API token"));
        String third = SharedSecret.resolve(shared, "admin-token", nodes.resolve("node3"), "the admin API token");

        assertEquals("chosen-by-the-operator\n", third);
        assertNotEquals(generated, third);
    }
}
