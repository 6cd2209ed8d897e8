package dev.postillion.queue;

import java.util.Locale;

/**
 * How a remote delivery attempt's connection was protected, for the queue log's {@code tls=} and
 * {@code dane=} fields.
 *
 * @param tls the TLS protocol and cipher suite, {@code TLSv1.3/TLS_AES_256_GCM_SHA384}, or
 *     {@code none} for plain text or no connection
 */
public record TransportSecurity(String tls, Dane dane) {

    /** No TLS, no DANE: also what an attempt that made no connection records. */
    public static final TransportSecurity NONE = new TransportSecurity("none", Dane.OFF);

    /** What DANE (RFC 7672) made of the server, in the log's words. */
    public enum Dane {
        /** Not used: DNSSEC is off, or the TLS level of the next hop does not ask for it. */
        OFF,
        /** The MX records or the host's TLSA records are in an unsigned zone (RFC 7672 section 2.2). */
        INSECURE,
        /** DNSSEC proves the host publishes no TLSA records: opportunistic TLS. */
        NO_TLSA,
        /** TLSA records, none of them usable for SMTP (RFC 7672 section 3.1.3): opportunistic TLS. */
        UNUSABLE,
        /** The server's certificate matched a TLSA record. */
        VERIFIED,
        /** DANE applies and could not be satisfied: the server was not trusted with the mail. */
        FAILED;

        public String logName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** As the queue log writes it: {@code tls=..., dane=...}. */
    @Override
    public String toString() {
        return "tls=" + tls + ", dane=" + dane.logName();
    }
}
