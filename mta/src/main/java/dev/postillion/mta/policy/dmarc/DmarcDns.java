package dev.postillion.mta.policy.dmarc;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where DMARC policy records come from: the TXT records at {@code _dmarc.<domain>} (RFC 7489 section
 * 6.1), asked asynchronously so that no thread waits. {@link NameServiceDmarcDns} asks DNS; tests
 * serve records from memory.
 */
@FunctionalInterface
public interface DmarcDns {

    /**
     * The TXT records at {@code name}. Implementations report failures as an {@link Answer}, never
     * as a failed stage.
     */
    CompletionStage<Answer> txt(String name);

    /** What DNS said. */
    sealed interface Answer permits Found, NotFound, Failed {}

    /**
     * TXT records at the name.
     *
     * @param records each record's strings joined without separator, one char per octet
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
