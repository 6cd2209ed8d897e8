package dev.postillion.loadtest.wire;

import io.gatling.core.protocol.Protocol;
import io.gatling.javaapi.core.ProtocolBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BiFunction;

/**
 * The IMAP or POP3 protocol of a simulation, as {@code ImapDsl.imap.host("imap.test").port(993)
 * .implicitTls()...}: the server, TLS, trust, timeouts and how users log in. Immutable: every
 * method returns a new builder.
 */
public final class MailboxProtocolBuilder implements ProtocolBuilder {

    private final Endpoint endpoint;
    private final Login login;
    private final BiFunction<Endpoint, Login, Protocol> protocol;

    /** @param protocol makes the protocol's settings, e.g. {@code ImapProtocol::new} */
    public MailboxProtocolBuilder(Endpoint endpoint, Login login, BiFunction<Endpoint, Login, Protocol> protocol) {
        this.endpoint = endpoint;
        this.login = login;
        this.protocol = protocol;
    }

    private MailboxProtocolBuilder with(Endpoint changed, Login newLogin) {
        return new MailboxProtocolBuilder(changed, newLogin, protocol);
    }

    @Override
    public Protocol protocol() {
        return protocol.apply(endpoint, login);
    }

    /** The server's host name or address (localhost unless set). */
    public MailboxProtocolBuilder host(String host) {
        return with(endpoint.withHost(host), login);
    }

    /** The server's port. */
    public MailboxProtocolBuilder port(int port) {
        return with(endpoint.withPort(port), login);
    }

    /** Secures each connection with the protocol's upgrade command (STARTTLS, STLS) before logging in. */
    public MailboxProtocolBuilder startTls() {
        return with(endpoint.withTls(Tls.STARTTLS), login);
    }

    /** Speaks TLS from the first byte, as on ports 993 and 995 (RFC 8314 §3.3). */
    public MailboxProtocolBuilder implicitTls() {
        return with(endpoint.withTls(Tls.IMPLICIT), login);
    }

    /** Accepts any server certificate: for test servers with self-signed ones. */
    public MailboxProtocolBuilder trustAll() {
        return with(endpoint.withTrust(new Trust.All()), login);
    }

    /**
     * Accepts server certificates that chain to one in this PKCS#12 or JKS key store (the JDK's
     * default trust store unless set). The host name is not checked.
     */
    public MailboxProtocolBuilder trustStore(Path keyStore, String password) {
        return with(endpoint.withTrust(new Trust.Store(keyStore, password)), login);
    }

    /** How long a TCP connect may take (10 seconds unless set). */
    public MailboxProtocolBuilder connectTimeout(Duration timeout) {
        return with(endpoint.withConnectTimeout(timeout), login);
    }

    /**
     * How long the client waits for a reply, or a TLS handshake, before the request fails and
     * the connection is closed (60 seconds unless set).
     */
    public MailboxProtocolBuilder replyTimeout(Duration timeout) {
        return with(endpoint.withReplyTimeout(timeout), login);
    }

    /**
     * Logs in with the protocol's own command, IMAP's LOGIN (RFC 3501 §6.2.3) or POP3's USER and
     * PASS (RFC 1939 §7), user and password in Gatling EL, e.g. {@code "#{user}"}.
     */
    public MailboxProtocolBuilder login(String user, String password) {
        return login(Login.Method.COMMAND, user, password);
    }

    /**
     * Logs in with SASL PLAIN and its initial response: IMAP's AUTHENTICATE (RFC 4959), POP3's AUTH
     * (RFC 5034); user and password in Gatling EL.
     */
    public MailboxProtocolBuilder authPlain(String user, String password) {
        return login(Login.Method.SASL_PLAIN, user, password);
    }

    private MailboxProtocolBuilder login(Login.Method method, String user, String password) {
        return with(endpoint, new Login(method, SessionValue.el(user), SessionValue.el(password)));
    }
}
