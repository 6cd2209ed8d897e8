package dev.postillion.sieve;

import java.util.List;

/** A checked Sieve script (RFC 5228), ready to run against any number of messages. */
public final class SieveScript {

    private SieveScript() {}

    /**
     * Parses and checks a script: the RFC 5228 s8 grammar, that each extension used is
     * {@code require}d and supported, and the commands' and tests' argument types.
     */
    public static SieveScript compile(String text) throws SieveSyntaxError {
        throw new UnsupportedOperationException("not yet");
    }

    /** The extensions this engine supports, for {@code require} and ManageSieve's "SIEVE" capability. */
    public static List<String> extensions() {
        return List.of("fileinto", "envelope", "imap4flags", "body", "variables", "relational",
                "subaddress", "copy", "comparator-i;ascii-numeric");
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
        throw new UnsupportedOperationException("not yet");
    }
}
