package dev.postillion.queue.outbound;

import dev.postillion.queue.routing.MailHost;
import java.net.InetAddress;

/** One address of one mail host: the far end of a connection, as the log and reports name it. */
record RemoteServer(MailHost host, InetAddress address) {

    /** {@code host[ip]:port}, the relay field of the queue log. */
    String relay() {
        return this + ":" + host.port();
    }

    /** {@code host[ip]}, as Postfix names a server in its messages. */
    @Override
    public String toString() {
        return host.name() + "[" + address.getHostAddress() + "]";
    }
}
