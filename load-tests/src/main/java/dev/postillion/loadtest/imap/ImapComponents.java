package dev.postillion.loadtest.imap;

import dev.postillion.loadtest.wire.ConnectionComponents;
import io.gatling.core.CoreComponents;
import io.gatling.core.session.Session;
import java.util.concurrent.CompletableFuture;

/** What the IMAP actions of one simulation share. */
final class ImapComponents extends ConnectionComponents<ImapClient> {

    ImapComponents(ImapProtocol protocol, CoreComponents core) {
        super("imap", ImapClient.class, protocol.endpoint(), protocol.login(), core);
    }

    @Override
    public CompletableFuture<ImapClient> connect(Session user) {
        return connector().<ImapReply>connect(user, endpoint().host(), endpoint().port(), endpoint().tls(),
                ImapResponseDecoder::new).thenApply(ImapClient::new);
    }
}
