package dev.postillion.auth.spf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.postillion.core.dns.NameService;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The RFC 7208 test suite (openspf.org's, as pyspf keeps it), read where it lies and never copied
 * into the project: one dynamic test per case, named "scenario / case", each served the DNS of its
 * scenario from memory by {@link ZoneDataDns}. A case may accept several results; it passes when
 * ours is one of them. Where a case gives an explanation, ours must be it; "DEFAULT" means the
 * domain's own explanation is not to be used, so ours must be empty.
 */
class SpfSuiteTest {

    private static final String SUITE = "spf/rfc7208-tests.yml";
    private static final Path FALLBACK_TESTDATA = Path.of("/work/shared/testdata");
    private static final String DEFAULT_EXPLANATION = "DEFAULT";
    private static final ExecutorService DNS_THREADS = Executors.newFixedThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "suite-dns");
        thread.setDaemon(true);
        return thread;
    });

    @AfterAll
    static void stopDns() {
        DNS_THREADS.shutdownNow();
    }

    @TestFactory
    Stream<DynamicTest> everyCasePasses() throws IOException {
        Path file = suiteFile();
        if (!Files.isRegularFile(file)) {
            return Stream.of(missing(file));
        }
        List<DynamicTest> tests = new ArrayList<>();
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        try (MappingIterator<JsonNode> scenarios = yaml.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (scenarios.hasNext()) {
                JsonNode scenario = scenarios.next();
                ZoneDataDns dns = ZoneDataDns.of(scenario.path("zonedata"), DNS_THREADS);
                String description = scenario.path("description").asText();
                for (Iterator<Map.Entry<String, JsonNode>> cases = scenario.path("tests").fields(); cases.hasNext(); ) {
                    Map.Entry<String, JsonNode> test = cases.next();
                    tests.add(DynamicTest.dynamicTest(description + " / " + test.getKey(),
                            () -> run(dns, test.getValue())));
                }
            }
        }
        assertFalse(tests.isEmpty(), "no cases in " + file);
        return tests.stream();
    }

    private static void run(NameService dns, JsonNode test) throws Exception {
        SpfChecker checker = new SpfChecker(dns, SpfSettings.DEFAULTS, "", Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
        InetAddress client = InetAddress.getByName(test.path("host").asText()); // a literal: no lookup
        SpfVerdict verdict = checker.check(client, test.path("helo").asText(), test.path("mailfrom").asText())
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        List<String> accepted = new ArrayList<>();
        if (test.path("result").isArray()) {
            test.path("result").forEach(result -> accepted.add(result.asText()));
        } else {
            accepted.add(test.path("result").asText());
        }
        assertTrue(accepted.contains(verdict.result().keyword()),
                () -> "expected " + accepted + ", got " + verdict.result().keyword() + ": " + verdict.reason());
        Optional<String> explanation = Optional.ofNullable(test.get("explanation")).map(JsonNode::asText);
        if (explanation.isPresent()) {
            assertEquals(explanation.get().equals(DEFAULT_EXPLANATION) ? "" : explanation.get(), verdict.explanation(),
                    () -> "explanation; reason: " + verdict.reason());
        }
    }

    /**
     * Skipped inside a dynamic test: surefire does not report a factory that is itself aborted, and
     * the skip with its reason would go unnoticed.
     */
    private static DynamicTest missing(Path file) {
        String reason = "RFC 7208 test suite not found at " + file
                + " (set -Dpostillion.testdata or POSTILLION_TESTDATA to the testdata directory)";
        return DynamicTest.dynamicTest("suite at " + file, () -> Assumptions.assumeTrue(false, reason));
    }

    /**
     * The override, else the first {@code shared/testdata} found beside the working directory or one
     * of its ancestors (the shared directory is a sibling of the repository), else the usual place.
     */
    private static Path suiteFile() {
        String override = Optional.ofNullable(System.getProperty("postillion.testdata"))
                .orElse(System.getenv("POSTILLION_TESTDATA"));
        if (override != null && !override.isBlank()) {
            return Path.of(override).resolve(SUITE);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/testdata").resolve(SUITE);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return FALLBACK_TESTDATA.resolve(SUITE);
    }
}
