package dev.postillion.mta.policy.dkim;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where DKIM key records come from: DNS TXT records (RFC 6376 section 3.6.2), asked
 * asynchronously so that no thread waits (ARCHITECTURE rules 1 and 2). {@link DnsDkimKeyLookup} asks
 * DNS; tests serve records from memory.
 */
@FunctionalInterface
public interface DkimKeyLookup {

    /**
     * The TXT records at {@code name}, for example {@code brisbane._domainkey.example.com}.
     * Implementations report failures as an {@link Answer}, not as a failed stage.
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

    /** The name does not exist or has no TXT record (NXDOMAIN or NODATA): no key, for good. */
    record NotFound(String detail) implements Answer {}

    /** No answer for now: SERVFAIL, timeout, network error. */
    record Failed(String detail) implements Answer {}
}
