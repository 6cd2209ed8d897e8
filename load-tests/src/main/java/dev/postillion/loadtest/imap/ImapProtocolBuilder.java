package dev.postillion.loadtest.imap;

import dev.postillion.loadtest.wire.Endpoint;
import dev.postillion.loadtest.wire.EndpointBuilder;
import dev.postillion.loadtest.wire.Login;
import io.gatling.core.protocol.Protocol;

/**
 * The IMAP protocol of a simulation, as {@code ImapDsl.imap.host("imap.test").port(993).implicitTls()...}:
 * the server (port 143 unless set), TLS, trust, timeouts and how users log in.
 */
public final class ImapProtocolBuilder extends EndpointBuilder<ImapProtocolBuilder> {

    ImapProtocolBuilder(Endpoint endpoint, Login login) {
        super(endpoint, login);
    }

    @Override
    protected ImapProtocolBuilder with(Endpoint endpoint, Login login) {
        return new ImapProtocolBuilder(endpoint, login);
    }

    @Override
    public Protocol protocol() {
        return new ImapProtocol(endpoint(), login());
    }
}
