package dev.postillion.loadtest.wire;

import java.time.Duration;

/**
 * Where a protocol's virtual users connect, and how: the server, TLS, which certificates they
 * trust, and how long they wait for a connection and for each reply.
 */
public record Endpoint(String host, int port, Tls tls, Trust trust, Duration connectTimeout, Duration replyTimeout) {

    /** localhost:{@code port}, no TLS, the JDK's trust store, 10 s to connect and 60 s for a reply. */
    public static Endpoint defaults(int port) {
        return new Endpoint("localhost", port, Tls.NONE, new Trust.SystemDefault(), Duration.ofSeconds(10),
                Duration.ofSeconds(60));
    }

    Endpoint withHost(String newHost) {
        return new Endpoint(newHost, port, tls, trust, connectTimeout, replyTimeout);
    }

    Endpoint withPort(int newPort) {
        return new Endpoint(host, newPort, tls, trust, connectTimeout, replyTimeout);
    }

    Endpoint withTls(Tls newTls) {
        return new Endpoint(host, port, newTls, trust, connectTimeout, replyTimeout);
    }

    Endpoint withTrust(Trust newTrust) {
        return new Endpoint(host, port, tls, newTrust, connectTimeout, replyTimeout);
    }

    Endpoint withConnectTimeout(Duration timeout) {
        return new Endpoint(host, port, tls, trust, timeout, replyTimeout);
    }

    Endpoint withReplyTimeout(Duration timeout) {
        return new Endpoint(host, port, tls, trust, connectTimeout, timeout);
    }
}
