package dev.postillion.loadtest.pop3;

import dev.postillion.loadtest.wire.Endpoint;
import dev.postillion.loadtest.wire.EndpointBuilder;
import dev.postillion.loadtest.wire.Login;
import io.gatling.core.protocol.Protocol;

/**
 * The POP3 protocol of a simulation, as {@code Pop3Dsl.pop3.host("pop.test").port(995).implicitTls()...}:
 * the server (port 110 unless set), TLS, trust, timeouts and how users log in.
 */
public final class Pop3ProtocolBuilder extends EndpointBuilder<Pop3ProtocolBuilder> {

    Pop3ProtocolBuilder(Endpoint endpoint, Login login) {
        super(endpoint, login);
    }

    @Override
    protected Pop3ProtocolBuilder with(Endpoint endpoint, Login login) {
        return new Pop3ProtocolBuilder(endpoint, login);
    }

    @Override
    public Protocol protocol() {
        return new Pop3Protocol(endpoint(), login());
    }
}
