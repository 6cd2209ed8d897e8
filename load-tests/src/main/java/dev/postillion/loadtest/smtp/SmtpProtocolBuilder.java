package dev.postillion.loadtest.smtp;

import dev.postillion.loadtest.wire.SessionValue;
import dev.postillion.loadtest.wire.Tls;
import dev.postillion.loadtest.wire.Trust;
import io.gatling.core.protocol.Protocol;
import io.gatling.javaapi.core.ProtocolBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The SMTP protocol of a simulation, as {@code SmtpDsl.smtp.host("mx.test").port(25)...}.
 * Immutable: every method returns a new builder.
 */
public final class SmtpProtocolBuilder implements ProtocolBuilder {

    private final SmtpProtocol protocol;

    SmtpProtocolBuilder(SmtpProtocol protocol) {
        this.protocol = protocol;
    }

    /** The server's host name or address (localhost unless set). */
    public SmtpProtocolBuilder host(String host) {
        return change(draft -> draft.host = host);
    }

    /** The server's port (25 unless set). */
    public SmtpProtocolBuilder port(int port) {
        return change(draft -> draft.port = port);
    }

    /** Secures each connection with STARTTLS after the first EHLO, and says EHLO again (RFC 3207). */
    public SmtpProtocolBuilder startTls() {
        return tls(Tls.STARTTLS);
    }

    /** Speaks TLS from the first byte, as submission on port 465 does (RFC 8314 §3.3). */
    public SmtpProtocolBuilder implicitTls() {
        return tls(Tls.IMPLICIT);
    }

    private SmtpProtocolBuilder tls(Tls tls) {
        return change(draft -> draft.tls = tls);
    }

    /** Accepts any server certificate: for test servers with self-signed ones. */
    public SmtpProtocolBuilder trustAll() {
        return trust(new Trust.All());
    }

    /**
     * Accepts server certificates that chain to one in this PKCS#12 or JKS key store (the JDK's
     * default trust store unless set). The host name is not checked: load generators often
     * address a node by its IP address.
     */
    public SmtpProtocolBuilder trustStore(Path keyStore, String password) {
        return trust(new Trust.Store(keyStore, password));
    }

    private SmtpProtocolBuilder trust(Trust trust) {
        return change(draft -> draft.trust = trust);
    }

    /** The domain the client names in EHLO (localhost unless set). */
    public SmtpProtocolBuilder ehloName(String domain) {
        return change(draft -> draft.ehloName = domain);
    }

    /** AUTH PLAIN (RFC 4616) with a user and password in Gatling EL, e.g. {@code "#{user}"}. */
    public SmtpProtocolBuilder authPlain(String user, String password) {
        return credentials(SmtpProtocol.Mechanism.PLAIN, user, password);
    }

    /** AUTH LOGIN with a user and password in Gatling EL, e.g. {@code "#{user}"}. */
    public SmtpProtocolBuilder authLogin(String user, String password) {
        return credentials(SmtpProtocol.Mechanism.LOGIN, user, password);
    }

    private SmtpProtocolBuilder credentials(SmtpProtocol.Mechanism mechanism, String user, String password) {
        var credentials = new SmtpProtocol.Credentials(mechanism, SessionValue.el(user), SessionValue.el(password));
        return change(draft -> draft.credentials = credentials);
    }

    /**
     * Whether to pipeline MAIL, RCPT and DATA (RFC 2920) when the server offers PIPELINING
     * (true unless set).
     */
    public SmtpProtocolBuilder pipelining(boolean pipelining) {
        return change(draft -> draft.pipelining = pipelining);
    }

    /**
     * How many messages {@code sendMessage()} sends over one connection before QUIT; the next one
     * connects again (1 unless set).
     */
    public SmtpProtocolBuilder messagesPerConnection(int messages) {
        if (messages < 1) {
            throw new IllegalArgumentException("messagesPerConnection must be at least 1, not " + messages);
        }
        return change(draft -> draft.messagesPerConnection = messages);
    }

    /** How long a TCP connect may take (10 seconds unless set). */
    public SmtpProtocolBuilder connectTimeout(Duration timeout) {
        return change(draft -> draft.connectTimeout = timeout);
    }

    /**
     * How long the client waits for a reply, or a TLS handshake, before the request fails and
     * the connection is closed (60 seconds unless set).
     */
    public SmtpProtocolBuilder replyTimeout(Duration timeout) {
        return change(draft -> draft.replyTimeout = timeout);
    }

    private SmtpProtocolBuilder change(Consumer<Draft> edit) {
        Draft draft = new Draft(protocol);
        edit.accept(draft);
        return new SmtpProtocolBuilder(draft.protocol());
    }

    /** The protocol's settings while one of them changes. */
    private static final class Draft {
        String host;
        int port;
        Tls tls;
        Trust trust;
        String ehloName;
        SmtpProtocol.Credentials credentials;
        boolean pipelining;
        int messagesPerConnection;
        Duration connectTimeout;
        Duration replyTimeout;

        Draft(SmtpProtocol from) {
            host = from.host();
            port = from.port();
            tls = from.tls();
            trust = from.trust();
            ehloName = from.ehloName();
            credentials = from.credentials();
            pipelining = from.pipelining();
            messagesPerConnection = from.messagesPerConnection();
            connectTimeout = from.connectTimeout();
            replyTimeout = from.replyTimeout();
        }

        SmtpProtocol protocol() {
            return new SmtpProtocol(host, port, tls, trust, ehloName, credentials, pipelining, messagesPerConnection,
                    connectTimeout, replyTimeout);
        }
    }

    @Override
    public Protocol protocol() {
        return protocol;
    }
}
