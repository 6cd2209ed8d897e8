package dev.postillion.loadtest.smtp;

import dev.postillion.loadtest.wire.SessionValue;
import dev.postillion.loadtest.wire.Tls;
import dev.postillion.loadtest.wire.ReplyChecks;
import io.gatling.core.action.Action;
import io.gatling.core.session.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Sends one message the way a mail client does, and reports each phase under its own name
 * ({@code "<request>: connect"}, {@code ": EHLO"}, {@code ": STARTTLS"}, {@code ": AUTH"},
 * {@code ": MAIL"}, {@code ": RCPT"}, {@code ": DATA"}, {@code ": RSET"}, {@code ": QUIT"}).
 *
 * <p>The user's open connection is reused until it has carried the protocol's
 * messages-per-connection; then QUIT, and the next message connects again. The request's checks
 * apply to the reply that ends DATA; the other phases pass on a 2xx reply. A phase that fails
 * ends the message there.
 */
final class SendMessageAction extends SmtpAction {

    private static final CompletableFuture<Boolean> NOT_OK = CompletableFuture.completedFuture(false);

    private final SessionValue<String> sender;
    private final SessionValue<Object> recipients;
    private final MessageContent content;
    private final ReplyChecks<SmtpReply> checks;

    SendMessageAction(String request, SessionValue<String> sender, SessionValue<Object> recipients, MessageContent content,
            ReplyChecks<SmtpReply> checks, SmtpComponents components, Action next) {
        super(request, components, next);
        this.sender = sender;
        this.recipients = recipients;
        this.content = content;
        this.checks = checks;
    }

    /** The user's credentials, resolved before anything is sent. */
    private record Login(SmtpProtocol.Mechanism mechanism, String user, String password) {}

    @Override
    CompletableFuture<Session> perform(SmtpReports reports) {
        Session user = reports.user();
        String reversePath = sender.resolve(user);
        List<String> forwardPaths = SmtpStep.addresses(recipients.resolve(user));
        BiFunction<String, List<String>, String> message = content.resolve(user);
        SmtpProtocol.Credentials credentials = components().protocol().credentials();
        Login login = credentials == null ? null
                : new Login(credentials.mechanism(), credentials.user().resolve(user), credentials.password().resolve(user));

        SmtpClient held = components().clientOf(user);
        CompletableFuture<SmtpClient> ready = held != null && held.isOpen()
                ? CompletableFuture.completedFuture(held)
                : open(reports, login);
        return ready.thenCompose(client -> client == null
                        ? CompletableFuture.<SmtpClient>completedFuture(null)
                        : transaction(client, reports, reversePath, forwardPaths, message)
                                .thenCompose(sent -> afterMessage(client, reports)))
                .thenApply(client -> {
                    reports.holds(client);
                    return reports.user();
                });
    }

    private String phase(String phase) {
        return name() + ": " + phase;
    }

    /** Times one phase from now, when its command is written, to its reply. */
    private CompletableFuture<Boolean> timed(SmtpReports reports, String phase, Supplier<CompletableFuture<SmtpReply>> send) {
        long start = reports.now();
        return reports.report(phase(phase), start, send.get(), SmtpChecks.NONE);
    }

    /** Connect, EHLO, and STARTTLS with a second EHLO, and AUTH, as the protocol says. */
    private CompletableFuture<SmtpClient> open(SmtpReports reports, Login login) {
        long start = reports.now();
        CompletableFuture<SmtpClient> connecting = components().connect(reports.user());
        return reports.report(phase("connect"), start, connecting.thenCompose(SmtpClient::greeting), SmtpChecks.NONE)
                .thenCompose(greeted -> {
                    if (greeted) {
                        return connecting.thenCompose(client -> introduce(client, reports, login));
                    }
                    connecting.thenAccept(SmtpClient::close);
                    return CompletableFuture.completedFuture(null);
                });
    }

    private CompletableFuture<SmtpClient> introduce(SmtpClient client, SmtpReports reports, Login login) {
        SmtpProtocol protocol = components().protocol();
        Supplier<CompletableFuture<SmtpReply>> ehlo = () -> client.ehlo(protocol.ehloName());
        CompletableFuture<Boolean> ready = timed(reports, "EHLO", ehlo);
        if (protocol.tls() == Tls.STARTTLS) {
            ready = ready.thenCompose(ok -> ok ? timed(reports, "STARTTLS", () -> client.startTls(components().tls())) : NOT_OK)
                    .thenCompose(ok -> ok ? timed(reports, "EHLO", ehlo) : NOT_OK);
        }
        if (login != null) {
            ready = ready.thenCompose(ok -> ok
                    ? timed(reports, "AUTH", () -> client.auth(login.mechanism(), login.user(), login.password()))
                    : NOT_OK);
        }
        return ready.thenApply(ok -> {
            if (!ok) {
                client.leave();
            }
            return ok ? client : null;
        });
    }

    private CompletableFuture<Boolean> transaction(SmtpClient client, SmtpReports reports, String reversePath,
            List<String> forwardPaths, BiFunction<String, List<String>, String> message) {
        if (components().protocol().pipelining() && client.dialogue().offers("PIPELINING")) {
            return pipelinedTransaction(client, reports, reversePath, forwardPaths, message);
        }
        return timed(reports, "MAIL", () -> client.mail(reversePath)).thenCompose(mailed -> {
            if (!mailed) {
                return NOT_OK;
            }
            return SmtpStep.reportRecipients(client, forwardPaths, phase("RCPT"), SmtpChecks.NONE, reports)
                    .thenCompose(anyAccepted -> {
                        if (anyAccepted) {
                            long start = reports.now();
                            return reports.report(phase("DATA"), start, client.data(message), checks);
                        }
                        // RFC 5321 §4.1.1.5: abandon the transaction that has no recipient
                        return client.isOpen() ? timed(reports, "RSET", client::rset).thenApply(reset -> false) : NOT_OK;
                    });
        });
    }

    /**
     * MAIL, the RCPTs and DATA in one write (RFC 2920 §3.1); every phase is timed from that
     * write. The content follows DATA's 354.
     */
    private CompletableFuture<Boolean> pipelinedTransaction(SmtpClient client, SmtpReports reports,
            String reversePath, List<String> forwardPaths, BiFunction<String, List<String>, String> message) {
        long start = reports.now();
        List<CompletableFuture<SmtpReply>> replies = client.transaction(reversePath, forwardPaths, true);
        List<CompletableFuture<Boolean>> reported = new ArrayList<>(replies.size());
        reported.add(reports.report(phase("MAIL"), start, replies.get(0), SmtpChecks.NONE));
        for (CompletableFuture<SmtpReply> rcpt : replies.subList(1, replies.size() - 1)) {
            reported.add(reports.report(phase("RCPT"), start, rcpt, SmtpChecks.NONE));
        }
        CompletableFuture<SmtpReply> end = client.content(replies.get(replies.size() - 1), message);
        CompletableFuture<Boolean> data = reports.report(phase("DATA"), start, end, checks);
        reported.add(data);
        return CompletableFuture.allOf(reported.toArray(CompletableFuture[]::new)).thenCompose(all -> data);
    }

    /** Counts the message on its connection; QUIT once the connection has carried its share. */
    private CompletableFuture<SmtpClient> afterMessage(SmtpClient client, SmtpReports reports) {
        int sent = client.dialogue().messageSent();
        if (!client.isOpen()) {
            return CompletableFuture.completedFuture(null);
        }
        if (sent < components().protocol().messagesPerConnection()) {
            return CompletableFuture.completedFuture(client);
        }
        return timed(reports, "QUIT", client::quit).thenApply(quit -> null);
    }
}
