package dev.postillion.loadtest.pop3;

import dev.postillion.loadtest.wire.Endpoint;
import dev.postillion.loadtest.wire.Login;
import dev.postillion.loadtest.wire.ProtocolKeys;
import io.gatling.core.protocol.Protocol;
import io.gatling.core.protocol.ProtocolKey;

/** Where and how virtual users download mail over POP3. Built with {@link Pop3Dsl#pop3}. */
record Pop3Protocol(Endpoint endpoint, Login login) implements Protocol {

    /** localhost:110, no TLS, no credentials. */
    static final Pop3Protocol DEFAULTS = new Pop3Protocol(Endpoint.defaults(110), null);

    /** Gatling finds the protocol's components through this key. */
    static final ProtocolKey<Pop3Protocol, Pop3Components> KEY =
            ProtocolKeys.of(Pop3Protocol.class, DEFAULTS, Pop3Components::new);
}
