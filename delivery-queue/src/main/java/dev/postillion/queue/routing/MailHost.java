package dev.postillion.queue.routing;

import java.net.InetAddress;
import java.util.List;

/**
 * One host that accepts mail for a next hop, with its addresses in the order to try them.
 *
 * @param name the MX host name (or the literal host of a {@code [host]} next hop)
 * @param tlsa its DANE TLSA records, as far as DNSSEC tells (RFC 7672 section 2.2)
 */
public record MailHost(String name, List<InetAddress> addresses, int port, Tlsa tlsa) {
    public MailHost {
        addresses = List.copyOf(addresses);
    }
}
