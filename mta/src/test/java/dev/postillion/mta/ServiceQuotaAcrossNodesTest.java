package dev.postillion.mta;

import static dev.postillion.mta.AdminCalls.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mail service's quota of addresses on two nodes of one cluster over PostgreSQL: addresses
 * created through both nodes at once never exceed it, since each creation's write depends on the
 * service's count it read. Tagged "cluster": its nodes keep their shared store in PostgreSQL
 * whatever the suite's store, so CI runs it once, with the other tests of several nodes.
 */
@Tag("cluster")
class ServiceQuotaAcrossNodesTest {

    private static final int QUOTA = 3;
    private static final int CREATIONS = 12;

    @TempDir Path one;
    @TempDir Path two;
    @TempDir Path keys;

    @Test
    void creationsThroughBothNodesAtOnceCreateExactlyTheQuota() throws IOException {
        ExecutorService operators = Executors.newFixedThreadPool(CREATIONS);
        try (TwoNodes cluster = TwoNodes.start(one, two, keys, Clock.systemUTC(), Map.of())) {
            assertEquals(201, cluster.one().post("/api/v1/services", "{\"name\":\"acme\",\"addressQuota\":" + QUOTA
                    + "}").statusCode());
            assertEquals(201, cluster.two().post("/api/v1/domains", "{\"name\":\"acme.test\",\"service\":\"acme\"}")
                    .statusCode());

            List<CompletableFuture<HttpResponse<String>>> creations = new ArrayList<>();
            for (int i = 0; i < CREATIONS; i++) {
                TestNode node = i % 2 == 0 ? cluster.one() : cluster.two();
                String body = "{\"localPart\":\"user" + i + "\",\"password\":\"" + AdminCalls.PASSWORD + "\"}";
                creations.add(CompletableFuture.supplyAsync(() -> node.post(AdminCalls.addresses("acme.test"), body),
                        operators));
            }
            List<Integer> statuses = creations.stream().map(CompletableFuture::join).map(HttpResponse::statusCode)
                    .sorted().toList();
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < CREATIONS; i++) {
                expected.add(i < QUOTA ? 201 : 409);
            }
            assertEquals(expected, statuses);
            assertEquals(QUOTA, json(cluster.two().get(AdminCalls.addresses("acme.test"))).size());
            assertEquals(QUOTA, json(cluster.one().get("/api/v1/services/acme")).get("addresses").asInt());
        } finally {
            operators.shutdown();
        }
    }
}
