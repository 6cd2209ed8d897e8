package dev.postillion.sieve;

import java.util.Set;

/**
 * One thing to do with the message, as a script's run decides it (RFC 5228 s2.10). Flags are
 * IMAP flag strings such as {@code \Seen} or {@code $Label1} (RFC 5232).
 */
public sealed interface SieveAction {

    /** Files the message into INBOX with {@code flags} (RFC 5228 s4.3, RFC 5232 s5). */
    record Keep(Set<String> flags) implements SieveAction {
        public Keep {
            flags = Set.copyOf(flags);
        }
    }

    /** Files the message into {@code folder} with {@code flags} (RFC 5228 s4.1). */
    record FileInto(String folder, Set<String> flags) implements SieveAction {
        public FileInto {
            flags = Set.copyOf(flags);
        }
    }

    /** Forwards the message unchanged to {@code address} (RFC 5228 s4.2). */
    record Redirect(String address) implements SieveAction {}

    /** Drops the message silently (RFC 5228 s4.4); present only when nothing else is done. */
    record Discard() implements SieveAction {}
}
