package dev.postillion.core.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.core.Store;
import dev.postillion.core.Store.Durability;
import dev.postillion.core.StoreBatch;
import dev.postillion.core.StoreConflictException;
import dev.postillion.core.StoreException;
import dev.postillion.core.StoreFamily;
import dev.postillion.core.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What only the shared store has to get right: several nodes' stores on one database. */
class PostgresStoreTest {

    private static final StoreFamily RECORDS = new StoreFamily("records", false, StoreFamily.Placement.SHARED);
    private static final StoreFamily MORE = new StoreFamily("more-records", true, StoreFamily.Placement.SHARED);

    @Test
    void nodesStartingAtOnceMigrateTheSchemaOnce() throws Exception {
        PostgresSettings database = TestPostgres.newDatabase();
        ExecutorService nodes = Executors.newFixedThreadPool(3);
        List<Future<PostgresStore>> opening = new ArrayList<>();
        try {
            for (int n = 0; n < 3; n++) {
                opening.add(nodes.submit(() -> PostgresStore.open(database, 1, List.of(RECORDS, MORE))));
            }
            for (Future<PostgresStore> store : opening) {
                store.get(60, TimeUnit.SECONDS).close();
            }
        } finally {
            nodes.shutdown();
        }
        try (Connection connection = DriverManager.getConnection(database.url(), database.user(), database.password());
                Statement statement = connection.createStatement();
                ResultSet versions = statement.executeQuery("SELECT count(*), max(version) FROM postillion_schema")) {
            versions.next();
            assertEquals(1, versions.getInt(1));
            assertEquals(1, versions.getInt(2));
        }
    }

    /**
     * A write while the server is down fails with the driver's or the pool's reason, which the
     * node logs: a lost connection and a pool that cannot connect have no SQL state to retry on.
     */
    @Test
    void aWriteWhileTheServerIsDownFailsWithItsReason() throws Exception {
        PostgresSettings database = TestPostgres.newDatabase();
        try (PostgresStore store = PostgresStore.open(database, 1, List.of(RECORDS))) {
            StoreBatch batch = new StoreBatch().put(RECORDS, "k".getBytes(StandardCharsets.UTF_8), new byte[1]);
            store.commit(batch, Durability.SYNC).toCompletableFuture().get(30, TimeUnit.SECONDS);
            TestPostgres.stopServer();
            try {
                for (int write = 0; write < 2; write++) {
                    ExecutionException failed = assertThrows(ExecutionException.class, () ->
                            store.commit(batch, Durability.SYNC).toCompletableFuture().get(30, TimeUnit.SECONDS));
                    assertInstanceOf(StoreException.class, failed.getCause());
                    assertNotEquals("write failed: null", failed.getCause().getMessage());
                    assertTrue(failed.getCause().getMessage().startsWith("write failed: "), failed.getCause().getMessage());
                }
            } finally {
                TestPostgres.restartServer();
            }
        }
    }

    /** Two nodes' committers write at the same time: an expected record still has one writer. */
    @Test
    void twoNodesRacingForOneRecordHaveOneWinner() throws Exception {
        PostgresSettings database = TestPostgres.newDatabase();
        try (Store one = PostgresStore.open(database, 1, List.of(RECORDS));
                Store two = PostgresStore.open(database, 1, List.of(RECORDS))) {
            List<CompletableFuture<Void>> claims = new ArrayList<>();
            for (int attempt = 0; attempt < 100; attempt++) {
                for (Store node : List.of(one, two)) {
                    claims.add(node.commit(new StoreBatch().expect(RECORDS, bytes("claimed"), null)
                            .put(RECORDS, bytes("claimed"), bytes(node == one ? "one" : "two")), Durability.BUFFERED)
                            .toCompletableFuture());
                }
            }
            int won = 0;
            for (CompletableFuture<Void> claim : claims) {
                try {
                    claim.get(60, TimeUnit.SECONDS);
                    won++;
                } catch (ExecutionException e) {
                    assertInstanceOf(StoreConflictException.class, e.getCause());
                }
            }
            assertEquals(1, won);
            byte[] winner = one.read(RECORDS, bytes("claimed")).toCompletableFuture().join().orElseThrow();
            assertArrayEquals(winner, two.read(RECORDS, bytes("claimed")).toCompletableFuture().join().orElseThrow());
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
