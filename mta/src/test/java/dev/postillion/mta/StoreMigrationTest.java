package dev.postillion.mta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.postillion.core.Keys;
import dev.postillion.core.Store;
import dev.postillion.core.StoreBatch;
import dev.postillion.core.StoreFamily;
import dev.postillion.core.StoreFamily.Placement;
import dev.postillion.core.TestPostgres;
import dev.postillion.core.TestStores;
import dev.postillion.core.store.NodeStores;
import dev.postillion.core.store.PostgresSettings;
import dev.postillion.mta.policy.PolicyFamilies;
import dev.postillion.mta.smtp.ListenerRole;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code migrate-store}: a single node on RocksDB, stopped, has its shared records moved into an
 * empty PostgreSQL database; a node started on that database with the same data directory has
 * the address, its password, its mail and the domain's DKIM keys, and the RocksDB is as it was.
 * The move refuses what would lose or mix records, in one line and with exit status 1.
 */
class StoreMigrationTest {

    private static final String ANNA = "anna@example.test";
    private static final String QUEUED = "250 2.0.0 Ok: queued as ";
    private static final List<StoreFamily> SHARED = Node.storeFamilies().stream()
            .filter(family -> family.placement() == Placement.SHARED).toList();

    @TempDir Path dataDir;
    private TestNode node;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void aSingleNodesSharedRecordsMoveIntoPostgresqlAndANodeThereHasThem() throws IOException {
        node = TestNode.start(dataDir, Map.of("postillion.store.backend", "rocksdb"), Clock.systemUTC());
        node.createMailbox(ANNA);
        HttpResponse<String> dkim = node.post("/api/v1/domains/example.test/dkim", "");
        assertEquals(201, dkim.statusCode(), dkim.body());
        String address = node.get("/api/v1/addresses/" + ANNA).body();
        String queueId = deliver("Message-ID: <moved@test>\r\nSubject: before the move\r\n\r\nKept.\r\n.");
        MailboxReader mailbox = new MailboxReader(node);
        byte[] stored = mailbox.bytes(ANNA, mailbox.awaitMessage(ANNA, queueId));
        node.close();
        node = null;
        Map<String, String> before = localContents();

        PostgresSettings database = TestPostgres.newDatabase();
        assertEquals(0, migrate(postgresql(database)), errors());

        long total = 0;
        StringBuilder report = new StringBuilder();
        try (Store copy = TestStores.open(database, SHARED)) {
            Map<String, String> copied = contents(copy, SHARED);
            for (StoreFamily family : SHARED) {
                assertEquals(before.get(family.name()), copied.get(family.name()), family.name() + " as it was");
                long records = count(copy, family);
                total += records;
                report.append("%-20s %d %s copied and counted in PostgreSQL%n".formatted(family.name(), records,
                        records == 1 ? "record" : "records"));
            }
        }
        assertEquals(report + "Copied " + total + " records of " + SHARED.size() + " shared families into "
                + database.url() + ".\nThe spool stays in the node's RocksDB at "
                + NodeStores.localDirectory(dataDir).toAbsolutePath() + ", untouched; the shared records there are"
                + " left as they were, so that postillion.store.backend = rocksdb goes back to them.\n", output());
        assertEquals(before, localContents(), "the node's RocksDB, spool and all");

        node = TestNode.start(dataDir, postgresql(database), Clock.systemUTC());
        assertEquals(address, node.get("/api/v1/addresses/" + ANNA).body());
        assertEquals("235 2.7.0 Authentication successful", authenticate("secret-password"));
        MailboxReader moved = new MailboxReader(node);
        JsonNode message = moved.awaitMessage(ANNA, queueId);
        assertArrayEquals(stored, moved.bytes(ANNA, message));
        assertEquals(dkim.body(), node.get("/api/v1/domains/example.test/dkim").body());
    }

    @Test
    void aDatabaseHoldingRecordsIsRefusedAndLeftAlone() {
        localStore().close(); // a single node's store
        PostgresSettings database = TestPostgres.newDatabase();
        try (Store cluster = TestStores.open(database, SHARED)) {
            cluster.commitBlocking(new StoreBatch().put(PolicyFamilies.GREYLIST, Keys.text("a cluster's"), new byte[0]),
                    Store.Durability.SYNC);
        }

        assertEquals(1, migrate(postgresql(database)));
        assertEquals("postillion migrate-store: the shared store at " + database.url() + " already holds records"
                + " (greylist): migrate-store copies into an empty database only, never into a cluster's data\n",
                errors());
        try (Store cluster = TestStores.open(database, SHARED)) {
            assertEquals(1, count(cluster, PolicyFamilies.GREYLIST));
        }
    }

    @Test
    void aBackendOtherThanPostgresqlIsRefused() {
        localStore().close();
        assertEquals(1, migrate(Map.of("postillion.store.backend", "rocksdb")));
        assertEquals("postillion migrate-store: postillion.store.backend is rocksdb: set it to postgresql, with the"
                + " database in postillion.store.postgresql, as the node will run after the move\n", errors());
    }

    @Test
    void aDataDirectoryWithoutANodeStoreIsRefused() {
        assertEquals(1, migrate(postgresql(TestPostgres.newDatabase())));
        assertEquals("postillion migrate-store: no node store at " + NodeStores.localDirectory(dataDir).toAbsolutePath()
                + ": postillion.data-dir must be the single node's\n", errors());
    }

    @Test
    void theStoreOfANodeThatRunsOnPostgresqlIsRefused() {
        List<StoreFamily> spool = Node.storeFamilies().stream()
                .filter(family -> family.placement() == Placement.NODE).toList();
        TestStores.open(NodeStores.localDirectory(dataDir), spool).close(); // what such a node keeps in RocksDB
        assertEquals(1, migrate(postgresql(TestPostgres.newDatabase())));
        assertTrue(errors().startsWith("postillion migrate-store: the node store at "
                + NodeStores.localDirectory(dataDir).toAbsolutePath() + " has no shared records ("), errors());
        assertTrue(errors().endsWith("): it is not a single node's, or its node already runs on PostgreSQL\n"), errors());
    }

    @Test
    void aNodeStillRunningIsRefused() {
        Store running = localStore(); // holds the store's lock, as the node does
        try {
            assertEquals(1, migrate(postgresql(TestPostgres.newDatabase())));
            assertTrue(errors().endsWith(" (the node must be stopped)\n"), errors());
        } finally {
            running.close();
        }
    }

    /** Runs the command in this JVM with the node's configuration plus {@code settings}; its exit status. */
    private int migrate(Map<String, ?> settings) {
        Config config = Node.configuration(ConfigFactory.parseMap(settings)
                .withFallback(ConfigFactory.parseMap(Map.of("postillion.data-dir", dataDir.toString()))));
        return StoreMigration.run(config, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static Map<String, Object> postgresql(PostgresSettings database) {
        return Map.of(
                "postillion.store.backend", "postgresql",
                "postillion.store.postgresql.url", database.url(),
                "postillion.store.postgresql.user", database.user());
    }

    private Store localStore() {
        return TestStores.open(NodeStores.localDirectory(dataDir), Node.storeFamilies());
    }

    /** {@link #contents} of every family of the node's RocksDB. */
    private Map<String, String> localContents() {
        try (Store local = localStore()) {
            return contents(local, Node.storeFamilies());
        }
    }

    /** Each family's records as a digest of its keys and values in key order. */
    private static Map<String, String> contents(Store store, List<StoreFamily> families) {
        Map<String, String> digests = new LinkedHashMap<>();
        for (StoreFamily family : families) {
            MessageDigest digest = sha256();
            for (byte[] key : allKeys(store, family)) {
                digest.update(lengthAndBytes(key));
                digest.update(lengthAndBytes(store.readBlocking(family, key).orElseThrow()));
            }
            digests.put(family.name(), HexFormat.of().formatHex(digest.digest()));
        }
        return digests;
    }

    private static long count(Store store, StoreFamily family) {
        return allKeys(store, family).size();
    }

    private static List<byte[]> allKeys(Store store, StoreFamily family) {
        return store.keysFrom(family, new byte[0], Integer.MAX_VALUE).toCompletableFuture().join();
    }

    private static byte[] lengthAndBytes(byte[] bytes) {
        return ByteBuffer.allocate(Integer.BYTES + bytes.length).putInt(bytes.length).put(bytes).array();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends one message to anna over the MX port; its queue id. */
    private String deliver(String content) throws IOException {
        try (SmtpClient smtp = new SmtpClient(node.smtpPort())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<bob@remote.test>"));
            assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + ANNA + ">"));
            smtp.command("DATA");
            String queued = smtp.command(content);
            assertTrue(queued.startsWith(QUEUED), queued);
            return queued.substring(QUEUED.length());
        }
    }

    /** AUTH PLAIN as anna on the submission port, after STARTTLS; the reply. */
    private String authenticate(String password) throws IOException {
        try (SmtpClient smtp = new SmtpClient(node.smtpPort(ListenerRole.SUBMISSION))) {
            smtp.reply();
            smtp.command("EHLO client.test");
            assertEquals("220 2.0.0 Ready to start TLS", smtp.command("STARTTLS"));
            smtp.startTls(TlsTrust.trusting(TlsTrust.generatedCertificate(dataDir)));
            smtp.command("EHLO client.test");
            return smtp.command("AUTH PLAIN " + Base64.getEncoder().encodeToString(
                    ("\0" + ANNA + "\0" + password).getBytes(StandardCharsets.UTF_8)));
        }
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String errors() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
