package dev.postillion.auth;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * TXT records as DKIM keys (RFC 6376 section 3.6.2) and DMARC policies (RFC 7489 section 6.1)
 * are published, asked asynchronously so that no thread waits (ARCHITECTURE rules 1 and 2).
 * {@link NameServiceTxtLookup} asks DNS; tests serve records from memory.
 */
@FunctionalInterface
public interface TxtLookup {

    /**
     * The TXT records at {@code name}, for example {@code brisbane._domainkey.example.com}.
     * Implementations report failures as an {@link Answer}, never as a failed stage.
     */
    CompletionStage<Answer> txt(String name);

    /** What DNS said. */
    sealed interface Answer permits Found, NotFound, Failed {}

    /**
     * TXT records at the name.
     *
     * @param records each record's strings joined without separator (RFC 6376 section 3.6.2.2),
     *     one char per octet
     */
    record Found(List<String> records) implements Answer {
        public Found {
            records = List.copyOf(records);
        }
    }

    /** The name does not exist or has no TXT record (NXDOMAIN or NODATA): no record, for good. */
    record NotFound(String detail) implements Answer {}

    /** No answer for now: SERVFAIL, timeout, network error. */
    record Failed(String detail) implements Answer {}
}
