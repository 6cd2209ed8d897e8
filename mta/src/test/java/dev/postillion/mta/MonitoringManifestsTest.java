package dev.postillion.mta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard and the Prometheus alert rules in deploy/monitoring name only what a node
 * exports: every series they use, with every label value they select by exactly.
 */
class MonitoringManifestsTest {

    private static final Path MONITORING = Path.of(System.getProperty("user.dir")).getParent()
            .resolve("deploy").resolve("monitoring");
    /** A series of ours or Micrometer's, with its selector if it has one. */
    private static final Pattern SERIES = Pattern.compile(
            "\\b((?:postillion|jvm|process|system)_[a-z0-9_]+)(?:\\{([^}]*)})?");
    private static final Pattern EXACT_LABEL = Pattern.compile("([a-z_]+)\\s*=\\s*\"([^\"]*)\"");

    @TempDir static Path dataDir;
    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start(dataDir, Map.of(), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void theAlertRulesNameOnlyExportedSeries() throws IOException {
        List<String> expressions = Files.readAllLines(MONITORING.resolve("postillion-alerts.yml")).stream()
                .filter(line -> !line.strip().startsWith("#")).toList();
        String rules = String.join("\n", expressions);
        assertEquals(5, rules.split("- alert: ", -1).length - 1, "node down, queue, deferrals, store, local errors");
        assertExported(rules);
    }

    @Test
    void theDashboardNamesOnlyExportedSeries() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(MONITORING.resolve("postillion-dashboard.json").toFile());
        List<String> queries = new ArrayList<>();
        dashboard.get("panels").forEach(panel -> panel.get("targets").forEach(target -> queries.add(target.get("expr").asText())));
        dashboard.get("templating").get("list").forEach(variable -> queries.add(variable.path("definition").asText()));
        assertTrue(queries.size() > 10, queries.toString());
        assertExported(String.join("\n", queries));
    }

    private static void assertExported(String text) {
        PrometheusText exported = PrometheusText.of(node);
        Matcher series = SERIES.matcher(text);
        int named = 0;
        while (series.find()) {
            named++;
            Map<String, String> labels = new HashMap<>();
            if (series.group(2) != null) {
                Matcher label = EXACT_LABEL.matcher(series.group(2));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
            }
            assertTrue(exported.has(series.group(1), labels), "not exported: " + series.group(1) + labels);
        }
        assertTrue(named > 0, "no series named");
    }
}
