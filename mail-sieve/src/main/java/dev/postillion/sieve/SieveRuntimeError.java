package dev.postillion.sieve;

/**
 * A compiled script that failed while it ran (RFC 5228 s2.10.6), e.g. more redirects than one run
 * allows or conflicting actions. The caller then keeps the message as if there were no script.
 */
public final class SieveRuntimeError extends Exception {

    /** A failure described by {@code problem}, which names what the script did. */
    public SieveRuntimeError(String problem) {
        super(problem);
    }
}
