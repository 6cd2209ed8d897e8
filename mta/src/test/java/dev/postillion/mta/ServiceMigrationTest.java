package dev.postillion.mta;

import static dev.postillion.mta.AdminCalls.assertError;
import static dev.postillion.mta.AdminCalls.json;
import static dev.postillion.mta.AdminCalls.object;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postillion.core.Store;
import dev.postillion.core.Store.Durability;
import dev.postillion.core.StoreBatch;
import dev.postillion.core.StoreFamily.Placement;
import dev.postillion.core.TestStores;
import dev.postillion.core.store.NodeStores;
import dev.postillion.core.store.PostgresSettings;
import dev.postillion.mailbox.MailboxFamilies;
import dev.postillion.mailbox.proto.AddressRecord;
import dev.postillion.mailbox.proto.DomainRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose store holds domains from before mail services (issue 17) gives each a service of
 * its own when it starts, named after it, without a quota, counting its addresses; the quota then
 * holds for them like for any other.
 */
class ServiceMigrationTest {

    private static final Instant CREATED = Instant.parse("2026-05-01T08:00:00Z");

    @TempDir Path dataDir;

    @Test
    void eachDomainStoredBeforeServicesBecomesAServiceOfItsOwnAtStart() {
        try (Store store = sharedStore()) {
            StoreBatch legacy = new StoreBatch();
            domain(legacy, "old.test", "anna", "bob");
            domain(legacy, "older.test");
            store.commitBlocking(legacy, Durability.SYNC);
        }

        try (TestNode node = TestNode.start(dataDir)) {
            assertEquals(object("[{\"name\":\"old.test\",\"addressQuota\":null,\"addresses\":2,\"domains\":[\"old.test\"],"
                    + "\"maintenance\":false,\"sendingLimits\":{},"
                    + "\"createdAt\":\"" + json(node.get("/api/v1/services")).get(0).get("createdAt").asText() + "\"},"
                    + "{\"name\":\"older.test\",\"addressQuota\":null,\"addresses\":0,\"domains\":[\"older.test\"],"
                    + "\"maintenance\":false,\"sendingLimits\":{},"
                    + "\"createdAt\":\"" + json(node.get("/api/v1/services")).get(1).get("createdAt").asText() + "\"}]"),
                    json(node.get("/api/v1/services")));
            JsonNode domain = json(node.get("/api/v1/domains/old.test"));
            assertEquals("old.test", domain.get("service").asText());
            assertEquals(CREATED.toString(), domain.get("createdAt").asText());

            assertEquals(200, node.patch("/api/v1/services/old.test", "{\"addressQuota\":2}").statusCode());
            assertError(409, "service old.test has reached its quota of 2 addresses; raise the quota to create more",
                    node.post(AdminCalls.addresses("old.test"), "{\"localPart\":\"carl\",\"password\":\""
                            + AdminCalls.PASSWORD + "\"}"));
        }
    }

    /** A domain and its addresses as they were stored before services: no service, nothing counted. */
    private static void domain(StoreBatch batch, String name, String... localParts) {
        batch.put(MailboxFamilies.DIRECTORY, utf8("domain/" + name), DomainRecord.newBuilder().setName(name)
                .setCreatedEpochMillis(CREATED.toEpochMilli()).build().toByteArray());
        for (String localPart : localParts) {
            batch.put(MailboxFamilies.DIRECTORY, utf8("address/" + name + "/" + localPart), AddressRecord.newBuilder()
                    .setDomain(name).setLocalPart(localPart).setCreatedEpochMillis(CREATED.toEpochMilli())
                    .setPasswordVersion(CREATED.toEpochMilli()).build().toByteArray());
        }
    }

    /** The store the node will share its directory in: its RocksDB, or its PostgreSQL database. */
    private Store sharedStore() {
        if (!TestSharedStore.postgresql()) {
            return TestStores.open(NodeStores.localDirectory(dataDir), Node.storeFamilies());
        }
        PostgresSettings database = PostgresSettings.from(Node.configuration(TestSharedStore.settings(dataDir))
                .getConfig("postillion.store.postgresql"));
        return TestStores.open(database, Node.storeFamilies().stream()
                .filter(family -> family.placement() == Placement.SHARED).toList());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
