package dev.postillion.loadtest.smtp;

import io.gatling.core.CoreComponents;
import io.gatling.core.config.GatlingConfiguration;
import io.gatling.core.protocol.Protocol;
import io.gatling.core.protocol.ProtocolKey;
import java.nio.file.Path;
import java.time.Duration;
import scala.Function1;

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

    /** How a connection is secured. */
    enum Tls {
        /** Plain text throughout. */
        NONE,
        /** Plain text until STARTTLS (RFC 3207), as on ports 25 and 587. */
        STARTTLS,
        /** TLS from the first byte (RFC 8314 §3.3), as on port 465. */
        IMPLICIT
    }

    /** Which server certificates the client accepts; the host name is never checked. */
    sealed interface Trust {
        /** The JDK's default trust store. */
        record SystemDefault() implements Trust {}

        /** Any certificate: for test servers with self-signed ones. */
        record All() implements Trust {}

        /** Certificates that chain to one in this key store (PKCS#12 or JKS). */
        record Store(Path path, String password) implements Trust {}
    }

    /** AUTH mechanisms the client can use (RFC 4954). */
    enum Mechanism {
        /** RFC 4616: authorization identity, user and password in one base64 response. */
        PLAIN,
        /** The user name and the password each in answer to a 334 challenge. */
        LOGIN
    }

    /** Credentials as Gatling expressions, resolved for each virtual user (a feeder's columns). */
    record Credentials(Mechanism mechanism, SessionValue<String> user, SessionValue<String> password) {}

    /** Gatling finds the protocol's components through this key. */
    static final ProtocolKey<SmtpProtocol, SmtpComponents> KEY = new ProtocolKey<>() {
        @Override
        @SuppressWarnings("unchecked")
        public Class<Protocol> protocolClass() {
            return (Class<Protocol>) (Class<?>) SmtpProtocol.class;
        }

        @Override
        public SmtpProtocol defaultProtocolValue(GatlingConfiguration configuration) {
            return DEFAULTS;
        }

        @Override
        public Function1<SmtpProtocol, SmtpComponents> newComponents(CoreComponents core) {
            return protocol -> new SmtpComponents(protocol, core);
        }
    };
}
