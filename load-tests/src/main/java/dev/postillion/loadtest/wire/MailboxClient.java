package dev.postillion.loadtest.wire;

import io.netty.handler.ssl.SslContext;
import java.util.concurrent.CompletableFuture;

/** A client of a protocol that reads a mailbox (IMAP, POP3): what logging in takes. */
public interface MailboxClient<R extends Reply> extends Client {

    /** The server's greeting. */
    CompletableFuture<R> greeting();

    /**
     * The upgrade command (IMAP's STARTTLS, RFC 3501 §6.2.1; POP3's STLS, RFC 2595 §4) and, on
     * its yes, the TLS handshake: completes with the yes once the connection is secure, with any
     * other reply as it is.
     */
    CompletableFuture<R> startTls(SslContext tls);

    /** Logs in; completes with the reply that ends the exchange. */
    CompletableFuture<R> login(Login.Method method, String user, String password);
}
