package dev.postillion.loadtest.imap;

import dev.postillion.loadtest.wire.Login;
import dev.postillion.loadtest.wire.MailboxClient;
import dev.postillion.loadtest.wire.ReplyConnection;
import io.netty.buffer.ByteBuf;
import io.netty.handler.ssl.SslContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * The client's half of each IMAP exchange on one connection: tags its commands (RFC 3501 §2.2.1)
 * and waits for each one's completion before the next, as the steps of a scenario do.
 */
final class ImapClient implements MailboxClient<ImapReply> {

    private final ReplyConnection<ImapReply> connection;
    private int tags;

    ImapClient(ReplyConnection<ImapReply> connection) {
        this.connection = connection;
    }

    @Override
    public boolean isOpen() {
        return connection.isOpen();
    }

    /** The untagged OK (or PREAUTH, or BYE) the server opens with (RFC 3501 §7.1). */
    @Override
    public CompletableFuture<ImapReply> greeting() {
        return connection.nextReply();
    }

    /** A command, tagged, through its completion. */
    CompletableFuture<ImapReply> command(String command) {
        return connection.command(nextTag() + " " + command);
    }

    private String nextTag() {
        return "a" + ++tags;
    }

    /** STARTTLS and, on its OK, the handshake (RFC 3501 §6.2.1); no greeting follows it. */
    @Override
    public CompletableFuture<ImapReply> startTls(SslContext tls) {
        return command("STARTTLS").thenCompose(reply -> !reply.positive() ? CompletableFuture.completedFuture(reply)
                : connection.startTls(tls).thenApply(secured -> reply));
    }

    /** LOGIN with quoted strings (RFC 3501 §6.2.3), or AUTHENTICATE PLAIN with its initial response (RFC 4959). */
    @Override
    public CompletableFuture<ImapReply> login(Login.Method method, String user, String password) {
        return switch (method) {
            case COMMAND -> command("LOGIN " + quoted(user) + " " + quoted(password));
            case SASL_PLAIN -> command("AUTHENTICATE PLAIN " + Login.saslPlain(user, password));
        };
    }

    /** A quoted string (RFC 3501 §4.3): backslash and double quote escaped. */
    static String quoted(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /**
     * APPEND the message to the folder (RFC 3501 §6.3.11) as a non-synchronizing literal (LITERAL+,
     * RFC 7888 §3), command and message in one write: the server must offer LITERAL+, as Dovecot
     * and Postillion do.
     */
    CompletableFuture<ImapReply> append(String folder, byte[] message) {
        ByteBuf command = connection.allocator().buffer(message.length + folder.length() + 64);
        command.writeCharSequence(nextTag() + " APPEND " + quoted(folder) + " {" + message.length + "+}\r\n",
                StandardCharsets.UTF_8);
        command.writeBytes(message).writeCharSequence("\r\n", StandardCharsets.US_ASCII);
        return connection.write(command);
    }

    /**
     * IDLE (RFC 2177) until the server pushes an EXISTS or {@code longest} has passed, then DONE:
     * completes with IDLE's tagged completion, carrying the last EXISTS count pushed, or with the
     * server's refusal.
     */
    CompletableFuture<ImapReply> idle(Duration longest) {
        return command("IDLE").thenCompose(started -> started.kind() != ImapReply.Kind.CONTINUATION
                ? CompletableFuture.completedFuture(started)
                : new Idling(longest).ended);
    }

    /** LOGOUT; the server says BYE and closes (RFC 3501 §6.1.3), and so does the client. */
    CompletableFuture<ImapReply> logout() {
        return command("LOGOUT").whenComplete((reply, failure) -> connection.close());
    }

    @Override
    public void leave() {
        connection.leave(nextTag() + " LOGOUT");
    }

    /** One IDLE after the server's continuation request: its pushes read one by one until the completion. */
    private final class Idling {
        private final CompletableFuture<ImapReply> ended = new CompletableFuture<>();
        private final ScheduledFuture<?> timer;
        private int exists = -1;
        private boolean done;

        Idling(Duration longest) {
            timer = connection.after(longest, this::done);
            await();
        }

        private void await() {
            connection.nextReply().whenComplete((reply, failure) -> {
                if (failure != null || reply.kind() == ImapReply.Kind.TAGGED) {
                    timer.cancel(false);
                    if (failure != null) {
                        ended.completeExceptionally(failure);
                    } else {
                        ended.complete(reply.withExists(exists));
                    }
                    return;
                }
                if (reply.exists() >= 0) {
                    exists = reply.exists();
                    done();
                }
                await();
            });
        }

        /** DONE, once: the server then completes the IDLE (RFC 2177 §3). */
        private void done() {
            if (!done) {
                done = true;
                connection.send("DONE");
            }
        }
    }
}
