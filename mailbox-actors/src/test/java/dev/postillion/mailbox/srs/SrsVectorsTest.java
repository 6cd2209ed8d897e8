package dev.postillion.mailbox.srs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Interoperability with postsrsd/libsrs2: the shared vectors, read where they lie (never copied into
 * the project), one dynamic test per line. The file's header gives secret, domain and time.
 */
class SrsVectorsTest {

    private static final String VECTORS = "srs/postsrsd-vectors.tsv";
    private static final Path FALLBACK_TESTDATA = Path.of("/work/shared/testdata");
    private static final String REJECT = "reject";

    /**
     * Why each "reverse ... reject" vector must be refused: the file says only "reject", and a
     * refusal for another reason (a forged address refused as malformed, an expired one as
     * forged) would pass unnoticed. The header's rules: a foreign domain or an ordinary address is
     * no SRS address of ours; a bad hash is forged; a timestamp beyond the 21 days, or far ahead,
     * is stale; missing fields are malformed.
     */
    private enum Refusal {
        NOT_OURS, MALFORMED, FORGED, EXPIRED, IN_THE_FUTURE;

        boolean matches(Reversal reversal) {
            if (this == NOT_OURS) {
                return reversal instanceof Reversal.NotSrs;
            }
            if (!(reversal instanceof Reversal.Invalid invalid)) {
                return false;
            }
            return switch (this) {
                case MALFORMED -> invalid.reason().startsWith("malformed SRS");
                case FORGED -> invalid.reason().startsWith("SRS address has a bad hash");
                case EXPIRED -> invalid.reason().startsWith("SRS address expired");
                case IN_THE_FUTURE -> invalid.reason().endsWith("days in the future");
                case NOT_OURS -> false;
            };
        }
    }

    private static final Map<String, Refusal> REVERSE_REFUSALS = Map.of(
            "test@example.com", Refusal.NOT_OURS,
            "SRS0=te87=T7=otherdomain.com=test@example.com", Refusal.EXPIRED,
            "SRS0=VcIb=7N=otherdomain.com=test@example.com", Refusal.IN_THE_FUTURE,
            "SRS0=FAKE=2V=otherdomain.com=test@example.com", Refusal.FORGED,
            "SRS0=FAKE=2V=otherdomain.com=test@foreign.example", Refusal.NOT_OURS,
            "SRS0=@example.com", Refusal.MALFORMED,
            "SRS0=XjO9@example.com", Refusal.MALFORMED,
            "SRS0=XjO9=2V@example.com", Refusal.MALFORMED,
            "SRS0=XjO9=2V=otherdomain.com@example.com", Refusal.MALFORMED);

    @TestFactory
    Stream<DynamicTest> everyVectorPasses() throws IOException {
        Path file = vectorFile();
        if (!Files.isRegularFile(file)) {
            return Stream.of(missing(file));
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        String header = String.join("\n", lines.stream().filter(line -> line.startsWith("#")).toList());
        String domain = header(header, "local \\(rewriting\\) domain ([^\\s,]+)");
        byte[] secret = header(header, "secret \"([^\"]*)\"").getBytes(StandardCharsets.UTF_8);
        Instant now = Instant.ofEpochSecond(Long.parseLong(header(header, "current time (\\d+)")));
        Srs srs = new Srs(List.of(secret), Clock.fixed(now, ZoneOffset.UTC), Srs.DEFAULT_MAX_AGE,
                hosted -> CompletableFuture.completedFuture(domain.equals(hosted)));
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.isBlank() && !line.startsWith("#")) {
                tests.add(vector(srs, domain, i + 1, line.split("\t", -1)));
            }
        }
        assertFalse(tests.isEmpty(), "no vectors in " + file);
        return tests.stream();
    }

    /**
     * Skipped inside a dynamic test: surefire does not report a factory that is itself aborted, and
     * the skip with its reason would go unnoticed.
     */
    private static DynamicTest missing(Path file) {
        String reason = "SRS vectors not found at " + file
                + " (set -Dpostillion.testdata or POSTILLION_TESTDATA to the testdata directory)";
        return DynamicTest.dynamicTest("vectors at " + file, () -> Assumptions.assumeTrue(false, reason));
    }

    private static DynamicTest vector(Srs srs, String domain, int lineNumber, String[] fields) {
        String name = "line " + lineNumber + ": " + String.join(" ", fields);
        if (fields.length != 3) {
            return DynamicTest.dynamicTest(name, () -> fail("expected op, input and expected separated by tabs"));
        }
        String input = fields[1];
        String expected = fields[2];
        switch (fields[0]) {
            case "forward":
                return DynamicTest.dynamicTest(name, () -> {
                    Optional<String> forwarded = done(srs.forward(input, domain));
                    assertEquals(REJECT.equals(expected) ? Optional.empty() : Optional.of(expected), forwarded);
                });
            case "reverse":
                return DynamicTest.dynamicTest(name, () -> {
                    Reversal reversal = done(srs.reverse(input));
                    if (REJECT.equals(expected)) {
                        Refusal claimed = REVERSE_REFUSALS.get(input);
                        assertNotNull(claimed, "no refusal named for this reject vector: add it to REVERSE_REFUSALS");
                        assertTrue(claimed.matches(reversal), "expected " + claimed + ", got " + reversal);
                    } else {
                        assertEquals(new Reversal.Original(expected), reversal);
                    }
                });
            default:
                return DynamicTest.dynamicTest(name, () -> fail("unknown operation '" + fields[0] + "'"));
        }
    }

    private static String header(String header, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(header);
        assertTrue(matcher.find(), "the vectors' header does not match " + regex);
        return matcher.group(1);
    }

    /**
     * The override, else the first {@code shared/testdata} found beside the working directory or one
     * of its ancestors (the shared directory is a sibling of the repository), else the usual place.
     */
    private static Path vectorFile() {
        String override = Optional.ofNullable(System.getProperty("postillion.testdata"))
                .orElse(System.getenv("POSTILLION_TESTDATA"));
        if (override != null && !override.isBlank()) {
            return Path.of(override).resolve(VECTORS);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/testdata").resolve(VECTORS);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return FALLBACK_TESTDATA.resolve(VECTORS);
    }

    private static <T> T done(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }
}
