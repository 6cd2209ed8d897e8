package dev.postillion.loadtest.smtp;

import dev.postillion.loadtest.wire.Client;
import dev.postillion.loadtest.wire.ReplyConnection;
import io.netty.handler.ssl.SslContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * The client's half of each SMTP exchange on one connection, keeping its {@link SmtpDialogue}
 * up to date: what the server offers, and the envelope of the open transaction.
 */
final class SmtpClient implements Client {

    private final ReplyConnection<SmtpReply> connection;
    private final SmtpDialogue dialogue = new SmtpDialogue();

    SmtpClient(ReplyConnection<SmtpReply> connection) {
        this.connection = connection;
    }

    SmtpDialogue dialogue() {
        return dialogue;
    }

    @Override
    public boolean isOpen() {
        return connection.isOpen();
    }

    /** The opening 220 (RFC 5321 §4.3.1). */
    CompletableFuture<SmtpReply> greeting() {
        return connection.nextReply();
    }

    /** EHLO, keeping the service extensions the server names (RFC 5321 §4.1.1.1). */
    CompletableFuture<SmtpReply> ehlo(String domain) {
        return connection.command("EHLO " + domain).thenApply(reply -> {
            if (reply.isPositiveCompletion()) {
                dialogue.ehloAnswered(reply);
            }
            return reply;
        });
    }

    /**
     * STARTTLS and, on its 220, the TLS handshake (RFC 3207 §4): completes with the 220 once the
     * connection is secure, with any other reply as it is, and fails if the handshake does.
     */
    CompletableFuture<SmtpReply> startTls(SslContext tls) {
        return connection.command("STARTTLS").thenCompose(reply -> {
            if (reply.code() != 220) {
                return CompletableFuture.completedFuture(reply);
            }
            return connection.startTls(tls).thenApply(secured -> {
                dialogue.tlsStarted();
                return reply;
            });
        });
    }

    /** AUTH with the mechanism's exchange (RFC 4954 §4); completes with the last reply. */
    CompletableFuture<SmtpReply> auth(SmtpProtocol.Mechanism mechanism, String user, String password) {
        return switch (mechanism) {
            case PLAIN -> connection.command("AUTH PLAIN " + base64("\0" + user + "\0" + password));
            case LOGIN -> connection.command("AUTH LOGIN")
                    .thenCompose(challenge -> answer(challenge, user))
                    .thenCompose(challenge -> answer(challenge, password));
        };
    }

    /** Answers a 334 challenge; any other reply ends the exchange as it is. */
    private CompletableFuture<SmtpReply> answer(SmtpReply challenge, String response) {
        if (challenge.code() != 334) {
            return CompletableFuture.completedFuture(challenge);
        }
        return connection.command(base64(response));
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** MAIL FROM: an accepted sender opens the transaction. */
    CompletableFuture<SmtpReply> mail(String sender) {
        return transaction(sender, List.of(), false).get(0);
    }

    /**
     * One RCPT TO per recipient, all in one write (RFC 2920 §3.1; with one recipient, an ordinary
     * command), each future completing with its own reply.
     */
    List<CompletableFuture<SmtpReply>> rcpt(List<String> recipients) {
        return recipientReplies(recipients, connection.pipelined(recipientCommands(recipients)));
    }

    /**
     * MAIL, every RCPT and, with {@code data}, DATA in one write (RFC 2920 §3.1): one future per
     * command, in that order, each completing with its own reply.
     */
    List<CompletableFuture<SmtpReply>> transaction(String sender, List<String> recipients, boolean data) {
        List<String> commands = new ArrayList<>(recipients.size() + 2);
        commands.add("MAIL FROM:<" + bare(sender) + ">");
        commands.addAll(recipientCommands(recipients));
        if (data) {
            commands.add("DATA");
        }
        List<CompletableFuture<SmtpReply>> replies = connection.pipelined(commands);
        List<CompletableFuture<SmtpReply>> tracked = new ArrayList<>(replies.size());
        tracked.add(replies.get(0).thenApply(reply -> {
            if (reply.isPositiveCompletion()) {
                dialogue.mailAccepted(bare(sender));
            }
            return reply;
        }));
        tracked.addAll(recipientReplies(recipients, replies.subList(1, 1 + recipients.size())));
        if (data) {
            tracked.add(replies.get(replies.size() - 1));
        }
        return tracked;
    }

    private List<String> recipientCommands(List<String> recipients) {
        return recipients.stream().map(SmtpClient::rcptCommand).toList();
    }

    private static String rcptCommand(String recipient) {
        return "RCPT TO:<" + bare(recipient) + ">";
    }

    private List<CompletableFuture<SmtpReply>> recipientReplies(List<String> recipients,
            List<CompletableFuture<SmtpReply>> replies) {
        List<CompletableFuture<SmtpReply>> tracked = new ArrayList<>(replies.size());
        for (int i = 0; i < replies.size(); i++) {
            tracked.add(accepting(replies.get(i), recipients.get(i)));
        }
        return tracked;
    }

    private CompletableFuture<SmtpReply> accepting(CompletableFuture<SmtpReply> reply, String recipient) {
        return reply.thenApply(answered -> {
            if (answered.isPositiveCompletion()) {
                dialogue.recipientAccepted(bare(recipient));
            }
            return answered;
        });
    }

    /** An address as the scenario gives it, with or without angle brackets. */
    private static String bare(String address) {
        String trimmed = address.strip();
        return trimmed.startsWith("<") && trimmed.endsWith(">") ? trimmed.substring(1, trimmed.length() - 1) : trimmed;
    }

    /**
     * DATA and, on its 354, the message {@code content} makes of the transaction's sender and
     * recipients: completes with the reply to the end of the data (RFC 5321 §4.1.1.4), or with
     * the reply to DATA if it was not 354.
     */
    CompletableFuture<SmtpReply> data(BiFunction<String, List<String>, String> content) {
        return content(connection.command("DATA"), content);
    }

    /** After a DATA already written (pipelined): on its 354, the message, then the final reply. */
    CompletableFuture<SmtpReply> content(CompletableFuture<SmtpReply> dataReply,
            BiFunction<String, List<String>, String> content) {
        return dataReply.thenCompose(reply -> {
            if (reply.code() != 354) {
                dialogue.transactionEnded();
                return CompletableFuture.completedFuture(reply);
            }
            // with no recipient accepted, RFC 2920 §3.1 still wants the data ended: an empty message
            String message = dialogue.recipients().isEmpty() ? "" : content.apply(dialogue.sender(), dialogue.recipients());
            return connection.write(DataContent.of(message, connection.allocator()));
        }).whenComplete((reply, failure) -> dialogue.transactionEnded());
    }

    /** RSET: the transaction, if any, is abandoned (RFC 5321 §4.1.1.5). */
    CompletableFuture<SmtpReply> rset() {
        return connection.command("RSET").whenComplete((reply, failure) -> dialogue.transactionEnded());
    }

    /** QUIT, then the connection is closed whatever the answer (RFC 5321 §4.1.1.10). */
    CompletableFuture<SmtpReply> quit() {
        return connection.command("QUIT").whenComplete((reply, failure) -> connection.close());
    }

    /** For a user leaving the scenario: QUIT without waiting, then close. */
    @Override
    public void leave() {
        connection.leave("QUIT");
    }

    void close() {
        connection.close();
    }
}
