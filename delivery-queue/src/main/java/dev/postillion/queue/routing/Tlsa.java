package dev.postillion.queue.routing;

import java.util.List;
import org.xbill.DNS.TLSARecord;

/**
 * What DNSSEC-validated DNS says of a mail host's TLSA records at {@code _port._tcp.host} (RFC 6698
 * section 3; RFC 7672 section 2.2): whether DANE applies to the host, and with which records.
 * Looked up only when the host's name came securely, from a secure MX RRset or, without MX
 * records, a secure denial of them (RFC 7672 section 2.2.1): an attacker who can forge the MX
 * records needs no forged TLSA.
 */
public sealed interface Tlsa {

    /** No question asked: DNSSEC is off (no trust anchor), or the host was configured ({@code [host]}). */
    record Off() implements Tlsa {}

    /** The host's name, or its TLSA records, came from an unsigned zone: DANE does not apply. */
    record Insecure() implements Tlsa {}

    /** DNSSEC proves the host has no TLSA records (NXDOMAIN or NODATA). */
    record Denied() implements Tlsa {}

    /** Secure TLSA records, as published: which of them are usable is the TLS client's question. */
    record Found(List<TLSARecord> records) implements Tlsa {
        public Found {
            records = List.copyOf(records);
        }
    }

    /**
     * The lookup failed or was bogus: DANE may apply, and no one can tell how. RFC 7672 section
     * 2.2: the host is then not used, as it might be under attack.
     */
    record Failed(String reason) implements Tlsa {}

    Tlsa OFF = new Off();
    Tlsa INSECURE = new Insecure();
    Tlsa DENIED = new Denied();
}
