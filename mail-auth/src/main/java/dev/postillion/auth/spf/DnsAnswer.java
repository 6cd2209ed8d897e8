package dev.postillion.auth.spf;

import java.util.List;

/**
 * What DNS said to one question, as SPF needs to tell the outcomes apart: records; no records for
 * good (NXDOMAIN or NODATA, which RFC 7208 section 4.6.4 counts as "void lookups"); or no answer for
 * now (SERVFAIL, timeout), which makes a mechanism's evaluation a {@code temperror} (section 5).
 *
 * @param <T> the kind of data of the records
 */
public sealed interface DnsAnswer<T> {

    /** At least one record of the type asked for. */
    record Records<T>(List<T> values) implements DnsAnswer<T> {
        public Records {
            values = List.copyOf(values);
            if (values.isEmpty()) {
                throw new IllegalArgumentException("no records: use NotFound");
            }
        }
    }

    /**
     * No records, for good: the name does not exist (NXDOMAIN, RCODE 3) or has none of the type
     * (NODATA, RCODE 0 with an empty answer).
     */
    record NotFound<T>(boolean nameExists) implements DnsAnswer<T> {}

    /** No answer for now: SERVFAIL, any other RCODE, a timeout, a network error. */
    record Failure<T>(String reason) implements DnsAnswer<T> {}

    /** Records, or NODATA when there are none. */
    static <T> DnsAnswer<T> of(List<T> values) {
        return values.isEmpty() ? new NotFound<>(true) : new Records<>(values);
    }

    static <T> DnsAnswer<T> noSuchDomain() {
        return new NotFound<>(false);
    }

    static <T> DnsAnswer<T> noData() {
        return new NotFound<>(true);
    }

    static <T> DnsAnswer<T> failure(String reason) {
        return new Failure<>(reason);
    }

    /** The records; empty unless this is {@link Records}. */
    default List<T> values() {
        return this instanceof Records<T> records ? records.values() : List.of();
    }

    /** Whether the answer is a "void lookup" (RFC 7208 section 4.6.4): NXDOMAIN or NODATA. */
    default boolean isVoid() {
        return this instanceof NotFound;
    }
}
