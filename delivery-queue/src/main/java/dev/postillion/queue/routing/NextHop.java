package dev.postillion.queue.routing;

/**
 * Where mail for a destination is sent next, before DNS: a domain whose MX records are looked up,
 * or a host taken as it is (Postfix's {@code [host]:port} notation in transport maps and
 * relayhost). Messages are queued per next hop, so everything sent through one smart host shares
 * one destination queue.
 *
 * @param host a domain or host name, or an IP address when {@code mxLookup} is false
 * @param port the SMTP port to connect to (25 unless configured)
 * @param mxLookup whether {@code host} is a mail domain to look up MX records for (RFC 5321
 *     section 5.1), or the very host to connect to
 */
public record NextHop(String host, int port, boolean mxLookup) {

    /** As written in configuration and the queue log: {@code [host]:port} or {@code host:port}. */
    @Override
    public String toString() {
        return (mxLookup ? host : "[" + host + "]") + ":" + port;
    }
}
