package dev.postillion.loadtest.wire;

import io.gatling.javaapi.core.ProtocolBuilder;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The settings a mailbox protocol's builder shares with the others: the server, TLS, trust,
 * timeouts and the login. Immutable: every method returns a new builder.
 *
 * @param <B> the protocol's own builder
 */
public abstract class EndpointBuilder<B extends EndpointBuilder<B>> implements ProtocolBuilder {

    private final Endpoint endpoint;
    private final Login login;

    protected EndpointBuilder(Endpoint endpoint, Login login) {
        this.endpoint = endpoint;
        this.login = login;
    }

    /** The same protocol with these settings. */
    protected abstract B with(Endpoint endpoint, Login login);

    protected final Endpoint endpoint() {
        return endpoint;
    }

    protected final Login login() {
        return login;
    }

    /** The server's host name or address (localhost unless set). */
    public B host(String host) {
        return with(endpoint.withHost(host), login);
    }

    /** The server's port. */
    public B port(int port) {
        return with(endpoint.withPort(port), login);
    }

    /** Secures each connection with the protocol's upgrade command (STARTTLS, STLS) before logging in. */
    public B startTls() {
        return with(endpoint.withTls(Tls.STARTTLS), login);
    }

    /** Speaks TLS from the first byte, as on ports 993 and 995 (RFC 8314 §3.3). */
    public B implicitTls() {
        return with(endpoint.withTls(Tls.IMPLICIT), login);
    }

    /** Accepts any server certificate: for test servers with self-signed ones. */
    public B trustAll() {
        return with(endpoint.withTrust(new Trust.All()), login);
    }

    /**
     * Accepts server certificates that chain to one in this PKCS#12 or JKS key store (the JDK's
     * default trust store unless set). The host name is not checked.
     */
    public B trustStore(Path keyStore, String password) {
        return with(endpoint.withTrust(new Trust.Store(keyStore, password)), login);
    }

    /** How long a TCP connect may take (10 seconds unless set). */
    public B connectTimeout(Duration timeout) {
        return with(endpoint.withConnectTimeout(timeout), login);
    }

    /**
     * How long the client waits for a reply, or a TLS handshake, before the request fails and
     * the connection is closed (60 seconds unless set).
     */
    public B replyTimeout(Duration timeout) {
        return with(endpoint.withReplyTimeout(timeout), login);
    }

    /**
     * Logs in with the protocol's own command, IMAP's LOGIN (RFC 3501 §6.2.3) or POP3's USER and
     * PASS (RFC 1939 §7), user and password in Gatling EL, e.g. {@code "#{user}"}.
     */
    public B login(String user, String password) {
        return login(Login.Method.COMMAND, user, password);
    }

    /**
     * Logs in with SASL PLAIN and its initial response: IMAP's AUTHENTICATE (RFC 4959), POP3's AUTH
     * (RFC 5034); user and password in Gatling EL.
     */
    public B authPlain(String user, String password) {
        return login(Login.Method.SASL_PLAIN, user, password);
    }

    private B login(Login.Method method, String user, String password) {
        return with(endpoint, new Login(method, SessionValue.el(user), SessionValue.el(password)));
    }
}
