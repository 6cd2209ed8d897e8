package dev.postillion.loadtest.imap;

import dev.postillion.loadtest.wire.Endpoint;
import dev.postillion.loadtest.wire.Login;
import dev.postillion.loadtest.wire.ProtocolKeys;
import io.gatling.core.protocol.Protocol;
import io.gatling.core.protocol.ProtocolKey;

/** Where and how virtual users read mail over IMAP. Built with {@link ImapDsl#imap}. */
record ImapProtocol(Endpoint endpoint, Login login) implements Protocol {

    /** localhost:143, no TLS, no credentials. */
    static final ImapProtocol DEFAULTS = new ImapProtocol(Endpoint.defaults(143), null);

    /** Gatling finds the protocol's components through this key. */
    static final ProtocolKey<ImapProtocol, ImapComponents> KEY =
            ProtocolKeys.of(ImapProtocol.class, DEFAULTS, ImapComponents::new);
}
