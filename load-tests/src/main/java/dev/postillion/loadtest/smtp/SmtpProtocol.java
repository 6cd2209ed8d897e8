package dev.postillion.loadtest.smtp;

import io.gatling.core.protocol.Protocol;
import io.gatling.core.protocol.ProtocolKey;
import dev.postillion.loadtest.wire.Endpoint;
import dev.postillion.loadtest.wire.ProtocolKeys;
import dev.postillion.loadtest.wire.SessionValue;
import dev.postillion.loadtest.wire.Tls;
import dev.postillion.loadtest.wire.Trust;
import java.time.Duration;

/**
 * Where and how virtual users speak SMTP: the server, TLS, the EHLO name, credentials, pipelining
 * and how many messages a connection carries. Built with {@link SmtpProtocolBuilder}.
 */
record SmtpProtocol(
        String host,
        int port,
        Tls tls,
        Trust trust,
        String ehloName,
        Credentials credentials,
        boolean pipelining,
        int messagesPerConnection,
        Duration connectTimeout,
        Duration replyTimeout) implements Protocol {

    /** localhost:25, no TLS, no AUTH, pipelining where offered, one message a connection. */
    static final SmtpProtocol DEFAULTS = new SmtpProtocol("localhost", 25, Tls.NONE, new Trust.SystemDefault(),
            "localhost", null, true, 1, Duration.ofSeconds(10), Duration.ofSeconds(60));

    /** AUTH mechanisms the client can use (RFC 4954). */
    enum Mechanism {
        /** RFC 4616: authorization identity, user and password in one base64 response. */
        PLAIN,
        /** The user name and the password each in answer to a 334 challenge. */
        LOGIN
    }

    /** Credentials as Gatling expressions, resolved for each virtual user (a feeder's columns). */
    record Credentials(Mechanism mechanism, SessionValue<String> user, SessionValue<String> password) {}

    /** Where users connect, and how. */
    Endpoint endpoint() {
        return new Endpoint(host, port, tls, trust, connectTimeout, replyTimeout);
    }

    /** Gatling finds the protocol's components through this key. */
    static final ProtocolKey<SmtpProtocol, SmtpComponents> KEY =
            ProtocolKeys.of(SmtpProtocol.class, DEFAULTS, SmtpComponents::new);
}
