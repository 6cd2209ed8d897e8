package dev.postillion.queue.routing;

import java.net.InetAddress;
import java.util.List;

/**
 * One host that accepts mail for a next hop, with its addresses in the order to try them.
 *
 * @param name the MX host name (or the literal host of a {@code [host]} next hop)
 */
public record MailHost(String name, List<InetAddress> addresses, int port) {
    public MailHost {
        addresses = List.copyOf(addresses);
    }
}
