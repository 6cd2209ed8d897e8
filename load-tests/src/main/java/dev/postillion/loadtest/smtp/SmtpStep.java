package dev.postillion.loadtest.smtp;

import dev.postillion.loadtest.wire.SessionValue;
import dev.postillion.loadtest.wire.ReplyChecks;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import scala.jdk.javaapi.CollectionConverters;

/**
 * One step of an SMTP dialogue that a scenario times on its own: connect, EHLO, STARTTLS, AUTH,
 * MAIL, RCPT, DATA, RSET or QUIT. Each resolves its values from the user's session first, then
 * sends its command(s) on the user's connection and reports each reply under the request's name.
 */
sealed interface SmtpStep {

    /**
     * @param client the user's open connection; null only for {@link Connect}
     * @return the client the user holds afterwards
     */
    CompletableFuture<SmtpClient> run(SmtpClient client, String request, ReplyChecks<SmtpReply> checks, SmtpReports reports);

    /** Connect steps are the only ones that run without an open connection. */
    default boolean needsConnection() {
        return true;
    }

    /** TCP connect (and the TLS handshake for implicit TLS) through the server's greeting. */
    record Connect() implements SmtpStep {
        @Override
        public CompletableFuture<SmtpClient> run(SmtpClient client, String request, ReplyChecks<SmtpReply> checks, SmtpReports reports) {
            if (client != null) {
                client.leave();
            }
            long start = reports.now();
            CompletableFuture<SmtpClient> connected = reports.components().connect(reports.user());
            return reports.report(request, start, connected.thenCompose(SmtpClient::greeting), checks)
                    .thenCompose(ok -> connected)
                    .exceptionally(failed -> null);
        }

        @Override
        public boolean needsConnection() {
            return false;
        }
    }

    /** EHLO with the protocol's EHLO name. */
    record Ehlo() implements SmtpStep {
        @Override
        public CompletableFuture<SmtpClient> run(SmtpClient client, String request, ReplyChecks<SmtpReply> checks, SmtpReports reports) {
            long start = reports.now();
            return reports.report(request, start, client.ehlo(reports.components().protocol().ehloName()), checks)
                    .thenApply(ok -> client);
        }
    }

    /** STARTTLS through the end of the TLS handshake. */
    record StartTls() implements SmtpStep {
        @Override
        public CompletableFuture<SmtpClient> run(SmtpClient client, String request, ReplyChecks<SmtpReply> checks, SmtpReports reports) {
            long start = reports.now();
            return reports.report(request, start, client.startTls(reports.components().tls()), checks)
                    .thenApply(ok -> client);
        }
    }

    /** AUTH with the protocol's mechanism and credentials, through the final reply. */
    record Auth() implements SmtpStep {
        @Override
        public CompletableFuture<SmtpClient> run(SmtpClient client, String request, ReplyChecks<SmtpReply> checks, SmtpReports reports) {
            SmtpProtocol.Credentials credentials = reports.components().protocol().credentials();
            String user = credentials.user().resolve(reports.user());
            String password = credentials.password().resolve(reports.user());
            long start = reports.now();
            return reports.report(request, start, client.auth(credentials.mechanism(), user, password), checks)
                    .thenApply(ok -> client);
        }
    }

    /** MAIL FROM. */
    record Mail(SessionValue<String> sender) implements SmtpStep {
        @Override
        public CompletableFuture<SmtpClient> run(SmtpClient client, String request, ReplyChecks<SmtpReply> checks, SmtpReports reports) {
            String reversePath = sender.resolve(reports.user());
            long start = reports.now();
            return reports.report(request, start, client.mail(reversePath), checks).thenApply(ok -> client);
        }
    }

    /**
     * RCPT TO for each recipient, each reported on its own: written together when pipelining is
     * on and offered, else one after the other.
     */
    record Rcpt(SessionValue<Object> recipients) implements SmtpStep {
        @Override
        public CompletableFuture<SmtpClient> run(SmtpClient client, String request, ReplyChecks<SmtpReply> checks, SmtpReports reports) {
            List<String> forwardPaths = addresses(recipients.resolve(reports.user()));
            return reportRecipients(client, forwardPaths, request, checks, reports).thenApply(ok -> client);
        }
    }

    /** DATA through the reply to the end of the content, which is made of the open transaction. */
    record Data(MessageContent content) implements SmtpStep {
        @Override
        public CompletableFuture<SmtpClient> run(SmtpClient client, String request, ReplyChecks<SmtpReply> checks, SmtpReports reports) {
            var message = content.resolve(reports.user());
            long start = reports.now();
            return reports.report(request, start, client.data(message), checks).thenApply(ok -> client);
        }
    }

    /** RSET. */
    record Rset() implements SmtpStep {
        @Override
        public CompletableFuture<SmtpClient> run(SmtpClient client, String request, ReplyChecks<SmtpReply> checks, SmtpReports reports) {
            long start = reports.now();
            return reports.report(request, start, client.rset(), checks).thenApply(ok -> client);
        }
    }

    /** QUIT; the connection is closed after the reply. */
    record Quit() implements SmtpStep {
        @Override
        public CompletableFuture<SmtpClient> run(SmtpClient client, String request, ReplyChecks<SmtpReply> checks, SmtpReports reports) {
            long start = reports.now();
            return reports.report(request, start, client.quit(), checks).thenApply(ok -> null);
        }
    }

    /**
     * Sends RCPT for each recipient and reports each reply under {@code request}: in one write
     * when pipelining is on and offered, else each after the reply to the one before.
     *
     * @return whether at least one recipient was accepted
     */
    static CompletableFuture<Boolean> reportRecipients(SmtpClient client, List<String> recipients, String request,
            ReplyChecks<SmtpReply> checks, SmtpReports reports) {
        boolean pipelining = reports.components().protocol().pipelining() && client.dialogue().offers("PIPELINING");
        CompletableFuture<Boolean> anyAccepted = CompletableFuture.completedFuture(false);
        if (pipelining) {
            long start = reports.now();
            for (CompletableFuture<SmtpReply> reply : client.rcpt(recipients)) {
                CompletableFuture<Boolean> accepted = reports.report(request, start, reply, checks);
                anyAccepted = anyAccepted.thenCombine(accepted, Boolean::logicalOr);
            }
            return anyAccepted;
        }
        for (String recipient : recipients) {
            anyAccepted = anyAccepted.thenCompose(before -> {
                if (!client.isOpen()) {
                    return CompletableFuture.completedFuture(before);     // the failure is reported once
                }
                long start = reports.now();
                return reports.report(request, start, client.rcpt(List.of(recipient)).get(0), checks)
                        .thenApply(accepted -> before || accepted);
            });
        }
        return anyAccepted;
    }

    /** The recipients a session value names: a list (a JSON feeder's array) or a single address. */
    static List<String> addresses(Object value) {
        Iterable<?> values;
        if (value instanceof Collection<?> list) {
            values = list;
        } else if (value instanceof scala.collection.Iterable<?> seq) {
            values = CollectionConverters.asJava(seq);
        } else {
            values = List.of(value);
        }
        List<String> addresses = new ArrayList<>();
        values.forEach(address -> addresses.add(String.valueOf(address)));
        return addresses;
    }
}
