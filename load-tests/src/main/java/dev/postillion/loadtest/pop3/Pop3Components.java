package dev.postillion.loadtest.pop3;

import dev.postillion.loadtest.wire.ConnectionComponents;
import io.gatling.core.CoreComponents;
import io.gatling.core.session.Session;
import java.util.concurrent.CompletableFuture;

/** What the POP3 actions of one simulation share. */
final class Pop3Components extends ConnectionComponents<Pop3Client> {

    Pop3Components(Pop3Protocol protocol, CoreComponents core) {
        super("pop3", Pop3Client.class, protocol.endpoint(), protocol.login(), core);
    }

    /** The client keeps its decoder, which it tells what each command's reply looks like. */
    @Override
    public CompletableFuture<Pop3Client> connect(Session user) {
        Pop3ReplyDecoder decoder = new Pop3ReplyDecoder();
        return connector().<Pop3Reply>connect(user, endpoint().host(), endpoint().port(), endpoint().tls(),
                () -> decoder).thenApply(connection -> new Pop3Client(connection, decoder));
    }
}
