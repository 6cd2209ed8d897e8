package dev.postillion.mta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment files under deploy/ agree with the node: the Kubernetes manifests parse, their
 * ports, probes, settings and secrets are the ones the node's configuration gives, and
 * local-cluster.sh is valid bash.
 */
class DeploymentManifestsTest {

    private static final Path DEPLOY = Path.of(System.getProperty("user.dir")).getParent().resolve("deploy");

    private static List<JsonNode> manifests;
    private static JsonNode pod;
    private static JsonNode container;
    /** The ConfigMap's postillion.conf, its ${X} taken from the container's environment. */
    private static Config configMap;
    /** The node's configuration in a pod: the ConfigMap over every reference.conf. */
    private static Config node;

    @TempDir Path parent;

    @BeforeAll
    static void readManifests() throws IOException {
        manifests = new ArrayList<>();
        YAMLMapper yaml = new YAMLMapper();
        try (Stream<Path> files = Files.list(DEPLOY.resolve("kubernetes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                manifests.addAll(yaml.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile()).readAll());
            }
        }
        pod = only("StatefulSet").at("/spec/template/spec");
        container = pod.at("/containers/0");
        Map<String, String> environment = new HashMap<>();
        for (JsonNode variable : container.get("env")) {
            environment.put(variable.get("name").asText(), "from-" + variable.get("name").asText());
        }
        environment.put("POD_IP", "10.1.2.3");
        configMap = ConfigFactory.parseString(only("ConfigMap").at("/data/postillion.conf").asText())
                // Strict: a ${X} the container does not set fails here, as it would fail the node.
                .resolveWith(ConfigFactory.parseMap(environment),
                        ConfigResolveOptions.defaults().setUseSystemEnvironment(false));
        node = Node.configuration(configMap);
    }

    @Test
    void theManifestsAreTheExpectedKinds() {
        assertEquals(List.of("ConfigMap", "PodDisruptionBudget", "Role", "RoleBinding", "Service", "Service",
                "ServiceAccount", "StatefulSet"),
                manifests.stream().map(m -> m.get("kind").asText()).sorted().toList());
    }

    @Test
    void everySettingOfTheConfigMapIsOneTheNodeKnows() {
        Config reference = Node.configuration(ConfigFactory.empty());
        Set<String> unknown = new TreeSet<>();
        configMap.entrySet().forEach(entry -> {
            if (!reference.hasPathOrNull(entry.getKey())) {
                unknown.add(entry.getKey());
            }
        });
        assertEquals(Set.of(), unknown);
        assertEquals("kubernetes", node.getString("postillion.cluster.bootstrap"));
        assertEquals("postgresql", node.getString("postillion.store.backend"));
        assertEquals(List.of(), node.getStringList("postillion.cluster.seed-nodes"));
        assertEquals("10.1.2.3", node.getString("pekko.remote.artery.canonical.hostname"));
        assertEquals("10.1.2.3", node.getString("pekko.management.http.hostname"));
    }

    @Test
    void theContainerPortsAreTheConfiguredOnes() {
        assertEquals(node.getInt("postillion.smtp.mx.port"), containerPort("smtp"));
        assertEquals(node.getInt("postillion.smtp.submission.port"), containerPort("submission"));
        assertEquals(node.getInt("postillion.smtp.submissions.port"), containerPort("submissions"));
        assertEquals(node.getInt("postillion.imap.plain.port"), containerPort("imap"));
        assertEquals(node.getInt("postillion.imap.implicit-tls.port"), containerPort("imaps"));
        assertEquals(node.getInt("postillion.pop3.plain.port"), containerPort("pop3"));
        assertEquals(node.getInt("postillion.pop3.implicit-tls.port"), containerPort("pop3s"));
        assertEquals(node.getInt("postillion.managesieve.port"), containerPort("managesieve"));
        assertEquals(node.getInt("postillion.admin.port"), containerPort("admin"));
        assertEquals(node.getInt("postillion.cluster.port"), containerPort("remoting"));
        assertEquals(node.getInt("pekko.remote.artery.canonical.port"), containerPort("remoting"));
        assertEquals(node.getInt("postillion.cluster.management-port"), containerPort("management"));
        assertEquals(node.getInt("pekko.management.http.port"), containerPort("management"));
        // The bootstrap probes the other pods on the container port of this name.
        assertEquals(containerPort("management"),
                containerPort(node.getString("pekko.management.cluster.bootstrap.contact-point-discovery.port-name")));
        // Every port the node listens on is reachable from outside the pod.
        assertEquals("0.0.0.0", node.getString("postillion.admin.bind"));
        assertEquals("0.0.0.0", node.getString("postillion.smtp.mx.bind"));
        assertEquals("0.0.0.0", node.getString("postillion.imap.plain.bind"));
        assertEquals("0.0.0.0", node.getString("postillion.imap.implicit-tls.bind"));
        assertEquals("0.0.0.0", node.getString("postillion.pop3.plain.bind"));
        assertEquals("0.0.0.0", node.getString("postillion.pop3.implicit-tls.bind"));
    }

    @Test
    void theServicesServeTheContainerPorts() {
        Map<Integer, String> smtp = new HashMap<>();
        JsonNode headless = null;
        for (JsonNode service : all("Service")) {
            assertEquals(labels(), service.at("/spec/selector"));
            for (JsonNode port : service.at("/spec/ports")) {
                containerPort(port.get("targetPort").asText());
            }
            if (service.at("/spec/clusterIP").asText().equals("None")) {
                headless = service;
            } else {
                for (JsonNode port : service.at("/spec/ports")) {
                    smtp.put(port.get("port").asInt(), port.get("targetPort").asText());
                }
            }
        }
        assertEquals(Map.of(25, "smtp", 587, "submission", 465, "submissions", 143, "imap", 993, "imaps", 110, "pop3",
                995, "pop3s", 4190, "managesieve"), smtp);
        assertNotEquals(null, headless);
        assertEquals(headless.at("/metadata/name").asText(), only("StatefulSet").at("/spec/serviceName").asText());
        assertTrue(headless.at("/spec/publishNotReadyAddresses").asBoolean());
    }

    @Test
    void theBootstrapFindsThePodsThroughTheKubernetesApiWithTheirServiceAccount() {
        Config discovery = node.getConfig("pekko.management.cluster.bootstrap.contact-point-discovery");
        assertEquals("<service-name>", discovery.getString("service-name"), "the default: the actor system's name");
        assertEquals("app=postillion",
                String.format(node.getString("pekko.discovery.kubernetes-api.pod-label-selector"), "postillion"));
        assertEquals("postillion", only("StatefulSet").at("/spec/template/metadata/labels/app").asText());
        assertEquals("kubernetes-api", discovery.getString("discovery-method"));

        String account = pod.get("serviceAccountName").asText();
        assertEquals(account, only("ServiceAccount").at("/metadata/name").asText());
        JsonNode role = only("Role");
        assertEquals("[{\"apiGroups\":[\"\"],\"resources\":[\"pods\"],\"verbs\":[\"get\",\"watch\",\"list\"]}]",
                role.get("rules").toString());
        JsonNode binding = only("RoleBinding");
        assertEquals(role.at("/metadata/name").asText(), binding.at("/roleRef/name").asText());
        assertEquals("[{\"kind\":\"ServiceAccount\",\"name\":\"" + account + "\"}]",
                binding.get("subjects").toString());

        // A majority of the replicas forms the cluster: never a lone pod, never two clusters.
        int replicas = only("StatefulSet").at("/spec/replicas").asInt();
        assertEquals(replicas / 2 + 1, discovery.getInt("required-contact-point-nr"));
    }

    @Test
    void eachPodKeepsItsQueueOnItsOwnVolumeAndTheyStartTogether() {
        JsonNode statefulSet = only("StatefulSet");
        assertEquals("Parallel", statefulSet.at("/spec/podManagementPolicy").asText());
        JsonNode claim = statefulSet.at("/spec/volumeClaimTemplates/0");
        Path dataDir = Path.of(node.getString("postillion.data-dir"));
        assertTrue(dataDir.startsWith(mountPath(claim.at("/metadata/name").asText())), dataDir.toString());
        assertNotEquals(mountPath(claim.at("/metadata/name").asText()), dataDir, "the node owns its data directory");
    }

    @Test
    void theSecretsComeFromTheSecret() {
        Map<String, String> fromSecret = new HashMap<>();
        for (JsonNode variable : container.get("env")) {
            JsonNode reference = variable.at("/valueFrom/secretKeyRef");
            if (!reference.isMissingNode()) {
                assertEquals("postillion", reference.get("name").asText());
                fromSecret.put(variable.get("name").asText(), reference.get("key").asText());
            }
        }
        assertEquals("POSTILLION_DB_PASSWORD", fromSecret.get("POSTILLION_DB_PASSWORD"));
        assertEquals("POSTILLION_ADMIN_TOKEN", fromSecret.get("POSTILLION_ADMIN_TOKEN"));
        assertEquals("from-POSTILLION_SRS_SECRET", node.getString("postillion.srs.secret"));
        JsonNode secrets = volume("secrets");
        assertEquals("postillion", secrets.at("/secret/secretName").asText());
        assertEquals(mountPath("secrets").resolve(secrets.at("/secret/items/0/path").asText()),
                Path.of(node.getString("postillion.dkim.master-key")));
    }

    @Test
    void theNodeReadsTheConfigMap() {
        JsonNode configVolume = volume("config");
        assertEquals(only("ConfigMap").at("/metadata/name").asText(), configVolume.at("/configMap/name").asText());
        JsonNode mount = mount("config");
        assertEquals("postillion.conf", mount.get("subPath").asText());
        String command = container.get("command").toString();
        assertTrue(command.contains("\"-Dconfig.file=" + mount.get("mountPath").asText() + "\""), command);
    }

    /** Each probe asks a path the node serves, on the port that serves it. */
    @Test
    void theProbesAskPathsTheNodeServes() throws Exception {
        int managementPort = ClusterMembershipTest.freePort();
        try (TestNode node = ClusterMembershipTest.startWithKubernetesBootstrap(parent, managementPort)) {
            Map<String, Integer> ports = Map.of("admin", node.node().adminPort(), "management", managementPort);
            Map<String, Integer> answers = new HashMap<>();
            for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
                JsonNode get = container.at("/" + probe + "/httpGet");
                String path = get.get("path").asText();
                answers.put(probe + " " + path, ClusterMembershipTest.probe(ports.get(get.get("port").asText()), path)
                        .statusCode());
            }
            // Not ready: the node has found no cluster to join outside Kubernetes.
            assertEquals(Map.of("startupProbe /health", 200, "readinessProbe /ready", 500, "livenessProbe /alive", 200),
                    answers);
        }
    }

    @Test
    void theLocalClusterScriptIsValidBash() throws Exception {
        Process check = new ProcessBuilder("bash", "-n", DEPLOY.resolve("local-cluster.sh").toString())
                .redirectErrorStream(true).start();
        assertTrue(check.waitFor(30, TimeUnit.SECONDS));
        assertEquals("", new String(check.getInputStream().readAllBytes()));
        assertEquals(0, check.exitValue());
    }

    private static JsonNode labels() {
        return only("StatefulSet").at("/spec/template/metadata/labels");
    }

    private static int containerPort(String name) {
        for (JsonNode port : container.get("ports")) {
            if (port.get("name").asText().equals(name)) {
                return port.get("containerPort").asInt();
            }
        }
        throw new AssertionError("no container port named " + name);
    }

    private static JsonNode mount(String volume) {
        for (JsonNode mount : container.get("volumeMounts")) {
            if (mount.get("name").asText().equals(volume)) {
                return mount;
            }
        }
        throw new AssertionError("volume " + volume + " is not mounted");
    }

    private static Path mountPath(String volume) {
        return Path.of(mount(volume).get("mountPath").asText());
    }

    private static JsonNode volume(String name) {
        for (JsonNode volume : pod.get("volumes")) {
            if (volume.get("name").asText().equals(name)) {
                return volume;
            }
        }
        throw new AssertionError("no volume " + name);
    }

    private static List<JsonNode> all(String kind) {
        return manifests.stream().filter(m -> m.get("kind").asText().equals(kind)).toList();
    }

    private static JsonNode only(String kind) {
        List<JsonNode> found = all(kind);
        assertEquals(1, found.size(), kind);
        return found.get(0);
    }
}
