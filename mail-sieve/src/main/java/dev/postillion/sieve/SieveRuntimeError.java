package dev.postillion.sieve;

/**
 * A compiled script that failed while it ran (RFC 5228 s2.10.6): more redirects than one run
 * allows, a redirect address built from variables that is no mail address, or a message whose MIME
 * structure the body test cannot read. The caller then keeps the message as if there were no script.
 */
public final class SieveRuntimeError extends Exception {

    /** A failure described by {@code problem}, which names what the script did. */
    public SieveRuntimeError(String problem) {
        super(problem);
    }
}
