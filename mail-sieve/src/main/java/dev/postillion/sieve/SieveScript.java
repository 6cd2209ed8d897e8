package dev.postillion.sieve;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * A checked Sieve script (RFC 5228), ready to run against any number of messages; immutable, so
 * one compiled script may serve concurrent runs.
 */
public final class SieveScript {

    /** The largest script compiled, in octets of its UTF-8. */
    public static final int MAX_SIZE = 64 * 1024;

    /** The most redirects one run may take (RFC 5228 s4.2 allows a limit). */
    public static final int MAX_REDIRECTS = ScriptRun.MAX_REDIRECTS;

    private static final List<String> EXTENSIONS = List.of("fileinto", "envelope", "imap4flags", "body",
            "variables", "relational", "subaddress", "copy", "comparator-i;ascii-numeric");

    private final List<Node> commands;
    private final Set<String> extensions;

    private SieveScript(List<Node> commands, Set<String> extensions) {
        this.commands = commands;
        this.extensions = extensions;
    }

    /**
     * Parses and checks a script: the RFC 5228 s8 grammar, that each extension used is
     * {@code require}d and supported, and the commands' and tests' argument types.
     */
    public static SieveScript compile(String text) throws SieveSyntaxError {
        int size = text.getBytes(StandardCharsets.UTF_8).length;
        if (size > MAX_SIZE) {
            throw new SieveSyntaxError(1, 1, "script is " + size + " octets, larger than the " + MAX_SIZE + " allowed");
        }
        ScriptChecker.Checked checked = ScriptChecker.check(SieveParser.parse(text));
        return new SieveScript(checked.commands(), checked.extensions());
    }

    /** The extensions this engine supports, for {@code require} and ManageSieve's "SIEVE" capability. */
    public static List<String> extensions() {
        return EXTENSIONS;
    }

    /**
     * Runs the script with the subaddress separator {@code "+"}: the final actions, with the
     * implicit keep resolved (RFC 5228 s2.10.2).
     */
    public List<SieveAction> evaluate(SieveMessage message) throws SieveRuntimeError {
        return evaluate(message, "+");
    }

    /**
     * Runs the script; {@code subaddressSeparator} splits a local part into the user and detail
     * that the {@code :user} and {@code :detail} address parts compare (RFC 5233 s4).
     */
    public List<SieveAction> evaluate(SieveMessage message, String subaddressSeparator) throws SieveRuntimeError {
        return new ScriptRun(message, subaddressSeparator, extensions).run(commands);
    }
}
