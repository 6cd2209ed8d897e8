package dev.postillion.sieve;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs generated scripts on generated messages in this engine and in Dovecot Pigeonhole's
 * {@code sieve-test}, and compares the outcome: the same normalised actions (keep, fileinto with
 * folder and flags, redirect, discard), or both refusing the script, or both failing at run time.
 * Each case is reproducible from its seed and printed in full when it differs. Broken variants of
 * the scripts (one typical mistake each) must be refused by both.
 *
 * <p>Excluded, on purpose; each is covered by the unit tests, which follow the RFCs:
 * <ul>
 * <li>the null sender: sieve-test cannot be given one ({@code -f ""} and {@code -f "<>"} are refused);
 *     RFC 5228 s5.4 in {@code SieveExtensionsTest.envelopeParts};</li>
 * <li>{@code vacation}: Pigeonhole has it, this engine refuses it by design (the address's responder
 *     answers instead);</li>
 * <li>:matches keys with a literal after a "?": Pigeonhole 2.3 then matches values it should not
 *     ("a?n?a*" matches "anna+news@...", "a?na*" matches "a+b"), against RFC 5228 s2.7.1 ("?" is
 *     exactly one character); the generated keys have "?" only before "*", "?" or their end;</li>
 * <li>i;ascii-numeric outside :count: Pigeonhole does not take "" for the positive infinity that
 *     every string without leading digits is (RFC 4790 s9.1.1);</li>
 * <li>:value with i;ascii-casemap: Pigeonhole orders without folding case ("Folder2" before "cafe"),
 *     against RFC 4790 s9.2; :value is generated with i;octet;</li>
 * <li>a fileinto or redirect repeated without :copy after one with :copy: Pigeonhole drops the
 *     repeat whole and keeps the implicit keep, while RFC 3894 s3 and RFC 5228 s2.10.3 make it cancel
 *     the implicit keep; :copy actions go to their own folder and address;</li>
 * <li>mistakes in blocks that can never run: Pigeonhole does not check the block of {@code if false}
 *     (nor the {@code else} of {@code if true}), where RFC 5228 s8 makes no exception; the scripts
 *     to be broken have no constant tests;</li>
 * <li>:flags naming what is no IMAP flag (RFC 3501 s9): Pigeonhole's sieve-test lists them as
 *     given, this engine leaves them out as both leave them out of setflag and addflag (a mailbox
 *     cannot store them); the generated :flags name flags only;</li>
 * <li>{@code :text} on text/html parts: RFC 5173 s5.2 lets an implementation turn HTML into text,
 *     which Pigeonhole does and this engine does not; the generated messages hold no HTML;</li>
 * <li>encoded words and non-ASCII header fields: the caller of {@link SieveMessage#headers} decodes
 *     them, not this engine; {@link RawMessage} does not.</li>
 * </ul>
 * The number of cases (one sieve-test process each, about 30 ms) is {@code sieve.differential.cases}
 * (default 500, of which one in four is a broken script), run on two threads.
 */
class PigeonholeDifferentialTest {

    private static final int CASES = Integer.getInteger("sieve.differential.cases", 500);
    private static final long SEED = Long.getLong("sieve.differential.seed", 5228L);

    @TempDir
    Path directory;

    record Case(int id, String script, String message, String from, String to, boolean broken) {
        @Override
        public String toString() {
            return "case " + id + " (seed " + SEED + (broken ? ", broken script" : "") + "), envelope from " + from
                    + " to " + to + "\n--- script\n" + script + "--- message\n" + message;
        }
    }

    private static List<Case> cases() {
        Random random = new Random(SEED);
        GeneratedScripts scripts = new GeneratedScripts(random);
        List<Case> cases = new ArrayList<>();
        for (int id = 0; id < CASES; id++) {
            boolean broken = id % 4 == 3;
            String script = scripts.script(!broken);
            cases.add(new Case(id, broken ? scripts.broken(script) : script, GeneratedMessages.message(random),
                    GeneratedMessages.pick(random, GeneratedMessages.ENVELOPE_FROM),
                    GeneratedMessages.pick(random, GeneratedMessages.ENVELOPE_TO), broken));
        }
        return cases;
    }

    private static String ours(Case c) {
        try {
            SieveScript script = SieveScript.compile(c.script());
            return Pigeonhole.normal(script.evaluate(RawMessage.of(c.from(), c.to(), c.message())));
        } catch (SieveSyntaxError e) {
            return "refused";
        } catch (SieveRuntimeError e) {
            return "failed";
        }
    }

    @Test
    void actionsAndRefusalsAgreeWithPigeonhole() throws Exception {
        assertTrue(Files.isExecutable(Pigeonhole.SIEVE_TEST), Pigeonhole.SIEVE_TEST
                + " is missing: install Debian's dovecot-sieve (CI's .ci/run installs it)");
        Pigeonhole pigeonhole = new Pigeonhole(directory);
        List<Case> cases = cases();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<String>> theirs = new ArrayList<>();
            for (Case c : cases) {
                theirs.add(threads.submit(() -> pigeonhole.run(c.id(), c.script(), c.message(), c.from(), c.to())));
            }
            List<String> differences = new ArrayList<>();
            int refused = 0;
            int acted = 0;
            for (Case c : cases) {
                String expected = theirs.get(c.id()).get();
                String actual = ours(c);
                if (!expected.equals(actual)) {
                    differences.add(c + "--- Pigeonhole: " + expected + "\n--- ours:       " + actual + "\n");
                }
                if (expected.equals("refused")) {
                    refused++;
                } else {
                    acted++;
                }
                if (c.broken() && !expected.equals("refused")) {
                    differences.add(c + "--- the broken script was not refused by Pigeonhole: " + expected + "\n");
                }
            }
            differences.sort(java.util.Comparator.comparingInt(String::length));
            if (!differences.isEmpty()) {
                fail(differences.size() + " of " + cases.size() + " cases differ (" + acted + " ran, " + refused
                        + " refused); the shortest:\n" + String.join("\n", differences.subList(0, Math.min(5, differences.size()))));
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
