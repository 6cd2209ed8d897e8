package dev.postillion.mta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * postillion.cluster.bootstrap: with kubernetes the node serves Pekko Management's probes and finds
 * its cluster through the Kubernetes API; a configuration that also lists seed nodes is refused.
 */
class ClusterMembershipTest {

    @TempDir Path parent;

    @Test
    void theStartLogNamesTheNodeByItsNodeNameElseItsHostname() {
        try (CapturedLog log = new CapturedLog(Node.class.getName())) {
            try (TestNode named = TestNode.start(parent.resolve("named"), Map.of("postillion.cluster.node-name",
                    "postillion-2"), Clock.systemUTC())) {
                log.awaitLine(line -> line.startsWith("Postillion postillion-2 is up: SMTP MX on port "));
            }
            try (TestNode unnamed = TestNode.start(parent.resolve("unnamed"))) {
                log.awaitLine(line -> line.startsWith("Postillion " + TestNode.HOSTNAME + " is up: "));
            }
        }
    }

    @Test
    void bootstrapTogetherWithSeedNodesStopsTheStartBeforeAnythingIsOpened() {
        Path dataDir = parent.resolve("data");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> TestNode.start(dataDir, Map.of("postillion.cluster.bootstrap", "kubernetes",
                        "postillion.cluster.seed-nodes", List.of("pekko://postillion@10.0.0.1:25520")),
                        Clock.systemUTC()));
        assertEquals("postillion.cluster.bootstrap = kubernetes finds the other nodes itself: leave"
                + " postillion.cluster.seed-nodes empty (it lists [pekko://postillion@10.0.0.1:25520])",
                refused.getMessage());
        assertFalse(Files.exists(dataDir));
    }

    @Test
    void anUnknownBootstrapIsRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> TestNode.start(parent.resolve("data"), Map.of("postillion.cluster.bootstrap", "dns"),
                        Clock.systemUTC()));
        assertEquals("postillion.cluster.bootstrap is \"dns\"; it takes off or kubernetes", refused.getMessage());
    }

    @Test
    void kubernetesBootstrapOutsideAPodIsRefusedNamingTheServiceAccountFile() {
        Path missing = parent.resolve("ca.crt");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> TestNode.start(parent.resolve("data"), Map.of("postillion.cluster.bootstrap", "kubernetes",
                        "pekko.discovery.kubernetes-api.api-ca-path", missing.toString()), Clock.systemUTC()));
        assertEquals("postillion.cluster.bootstrap = kubernetes needs the pod's service account, and " + missing
                + " cannot be read (pekko.discovery.kubernetes-api.api-ca-path): run the node in a pod whose"
                + " service account may list pods (deploy/kubernetes/)", refused.getMessage());
    }

    /**
     * Without the Kubernetes API (no KUBERNETES_SERVICE_HOST here) the bootstrap finds no pods, so
     * the node is alive but not ready: what the StatefulSet's probes see of a pod that has not
     * joined its cluster yet.
     */
    @Test
    void withKubernetesBootstrapTheNodeIsAliveButNotReadyUntilItJoins() throws Exception {
        int managementPort = freePort();
        try (TestNode node = startWithKubernetesBootstrap(parent, managementPort)) {
            assertEquals(200, probe(managementPort, "/alive").statusCode());
            HttpResponse<String> ready = probe(managementPort, "/ready");
            assertEquals(500, ready.statusCode());
            assertEquals("Not Healthy: Check [org.apache.pekko.management.cluster.scaladsl.ClusterMembershipCheck]"
                    + " not ok", ready.body());
        }
    }

    /**
     * A node with the Kubernetes bootstrap outside Kubernetes: a service account of empty files
     * under {@code parent}, and no Kubernetes API (no KUBERNETES_SERVICE_HOST here), so the
     * bootstrap finds no pods and the node stays out of any cluster.
     */
    static TestNode startWithKubernetesBootstrap(Path parent, int managementPort) throws IOException {
        Path serviceAccount = Files.createDirectory(parent.resolve("serviceaccount"));
        return TestNode.start(parent.resolve("data"), Map.of(
                "postillion.cluster.bootstrap", "kubernetes",
                "postillion.cluster.management-port", managementPort,
                "pekko.discovery.kubernetes-api.api-ca-path",
                        Files.createFile(serviceAccount.resolve("ca.crt")).toString(),
                "pekko.discovery.kubernetes-api.api-token-path",
                        Files.writeString(serviceAccount.resolve("token"), "token").toString()),
                Clock.systemUTC());
    }

    static HttpResponse<String> probe(int port, String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }
}
