package dev.postillion.loadtest.smtp;

import dev.postillion.loadtest.wire.ConnectionComponents;
import io.gatling.core.CoreComponents;
import io.gatling.core.session.Session;
import io.netty.handler.ssl.SslContext;
import java.util.concurrent.CompletableFuture;

/**
 * What the SMTP actions of one simulation share: the protocol's settings beside what every
 * connection-holding protocol's components hold (the connector, the stats engine and clock, the
 * client each user holds). Its credentials are the protocol's own, for AUTH.
 */
final class SmtpComponents extends ConnectionComponents<SmtpClient> {

    private final SmtpProtocol protocol;

    SmtpComponents(SmtpProtocol protocol, CoreComponents core) {
        super("smtp", SmtpClient.class, protocol.endpoint(), null, core);
        this.protocol = protocol;
    }

    SmtpProtocol protocol() {
        return protocol;
    }

    SslContext tls() {
        return connector().tls();
    }

    /** Connects on the user's own event loop; with implicit TLS the handshake is part of it. */
    @Override
    public CompletableFuture<SmtpClient> connect(Session user) {
        return connector().<SmtpReply>connect(user, protocol.host(), protocol.port(), protocol.tls(), SmtpReplyDecoder::new)
                .thenApply(SmtpClient::new);
    }
}
