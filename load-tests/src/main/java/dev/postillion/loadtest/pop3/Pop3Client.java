package dev.postillion.loadtest.pop3;

import dev.postillion.loadtest.wire.Login;
import dev.postillion.loadtest.wire.MailboxClient;
import dev.postillion.loadtest.wire.ReplyConnection;
import io.netty.handler.ssl.SslContext;
import java.util.concurrent.CompletableFuture;

/** The client's half of each POP3 exchange on one connection, one command at a time. */
final class Pop3Client implements MailboxClient<Pop3Reply> {

    private final ReplyConnection<Pop3Reply> connection;
    private final Pop3ReplyDecoder decoder;

    Pop3Client(ReplyConnection<Pop3Reply> connection, Pop3ReplyDecoder decoder) {
        this.connection = connection;
        this.decoder = decoder;
    }

    @Override
    public boolean isOpen() {
        return connection.isOpen();
    }

    /** The +OK the server opens with (RFC 1939 §4). */
    @Override
    public CompletableFuture<Pop3Reply> greeting() {
        return connection.nextReply();
    }

    private CompletableFuture<Pop3Reply> command(String line, boolean multiLine) {
        decoder.expect(multiLine);
        return connection.command(line);
    }

    /** STLS and, on its +OK, the handshake (RFC 2595 §4). */
    @Override
    public CompletableFuture<Pop3Reply> startTls(SslContext tls) {
        return command("STLS", false).thenCompose(reply -> !reply.ok() ? CompletableFuture.completedFuture(reply)
                : connection.startTls(tls).thenApply(secured -> reply));
    }

    /** USER then PASS (RFC 1939 §7), or AUTH PLAIN with its initial response (RFC 5034 §4). */
    @Override
    public CompletableFuture<Pop3Reply> login(Login.Method method, String user, String password) {
        return switch (method) {
            case COMMAND -> command("USER " + user, false).thenCompose(named -> !named.ok()
                    ? CompletableFuture.completedFuture(named) : command("PASS " + password, false));
            case SASL_PLAIN -> command("AUTH PLAIN " + Login.saslPlain(user, password), false);
        };
    }

    /** STAT: "+OK count size" (RFC 1939 §5). */
    CompletableFuture<Pop3Reply> stat() {
        return command("STAT", false);
    }

    /** RETR: the message, counted as it arrives. */
    CompletableFuture<Pop3Reply> retr(int message) {
        return command("RETR " + message, true);
    }

    /** QUIT: the server removes what was deleted and closes (RFC 1939 §6), and so does the client. */
    CompletableFuture<Pop3Reply> quit() {
        return command("QUIT", false).whenComplete((reply, failure) -> connection.close());
    }

    @Override
    public void leave() {
        decoder.expect(false);
        connection.leave("QUIT");
    }
}
