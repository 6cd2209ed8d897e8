package dev.postillion.queue.outbound;

import dev.postillion.core.Envelope;
import dev.postillion.queue.DeliveryRequest;
import dev.postillion.queue.RecipientOutcome;
import dev.postillion.queue.RecipientOutcome.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One mail transaction on an open connection (RFC 5321 section 3.3): MAIL, a RCPT per recipient,
 * DATA, the content. With PIPELINING the envelope goes as one batch (RFC 2920 section 3.1, DATA
 * last in it), otherwise one command at a time, stopping at a refused MAIL. Each recipient's
 * outcome comes from the reply that decides it: its RCPT reply if the server refused it, else the
 * reply to MAIL, DATA or the end of DATA that applies to the whole transaction.
 *
 * <p>Runs on the connection's event loop.
 */
final class MailTransaction {

    private final OutboundConnection connection;
    private final Conversation conversation;
    private final RemoteServer server;
    private final ServerExtensions extensions;
    private final DeliveryRequest request;
    private final List<Integer> recipients;
    private final boolean eightBit;
    /** Replies as they come in; null until then. */
    private SmtpReply mailReply;
    private final SmtpReply[] rcptReplies;
    private SmtpReply dataReply;

    MailTransaction(OutboundConnection connection, DeliveryRequest request) {
        this.connection = connection;
        this.conversation = connection.conversation();
        this.server = connection.server();
        this.extensions = connection.extensions();
        this.request = request;
        this.recipients = request.recipients();
        this.eightBit = eightBit(request);
        this.rcptReplies = new SmtpReply[recipients.size()];
    }

    CompletableFuture<TransactionResult> run() {
        Optional<Verdict> unsendable = unsendable();
        if (unsendable.isPresent()) {
            return CompletableFuture.completedFuture(
                    new TransactionResult.Completed(unsendable.get().forRecipients(recipients)));
        }
        CompletableFuture<Void> envelope = extensions.pipelining() ? sendEnvelopeBatch() : sendEnvelopeStepwise();
        return envelope.handle((done, failure) -> failure)
                .thenCompose(failure -> failure == null
                        ? afterEnvelope()
                        : CompletableFuture.completedFuture(interrupted(failure)));
    }

    /**
     * What this server cannot be sent, as its EHLO reply tells before any command goes out. It
     * would be no different at the next attempt, so the recipients bounce.
     */
    private Optional<Verdict> unsendable() {
        if (request.envelope().smtputf8() && !extensions.smtputf8()) {
            // RFC 6531 section 3.2: a message that needs SMTPUTF8 cannot go to a server without it.
            return Optional.of(bounce("5.6.7", "SMTPUTF8 is required, but was not offered by host " + server));
        }
        if (eightBit && !extensions.eightBitMime()) {
            // RFC 6152 section 3: 8-bit content only to a server that offers 8BITMIME. Postfix would
            // convert the message to 7-bit MIME instead; Postillion does not downgrade MIME.
            return Optional.of(bounce("5.6.3",
                    "message has 8-bit content, but host " + server + " does not offer 8BITMIME"));
        }
        long size = request.content().length;
        if (extensions.sizeLimit() > 0 && size > extensions.sizeLimit()) {
            // RFC 1870 section 6.1: the server has said it would refuse a message this large.
            return Optional.of(bounce("5.3.4", "message size " + size + " exceeds size limit "
                    + extensions.sizeLimit() + " of server " + server));
        }
        return Optional.empty();
    }

    private Verdict bounce(String dsn, String detail) {
        return Verdict.local(Status.BOUNCED, server.relay(), dsn, detail);
    }

    /** The whole envelope at once; the reply to DATA comes last, after every other (RFC 2920). */
    private CompletableFuture<Void> sendEnvelopeBatch() {
        conversation.send(mailCommand(), Step.MAIL).thenAccept(reply -> mailReply = reply);
        for (int i = 0; i < recipients.size(); i++) {
            int index = i;
            conversation.send(rcptCommand(recipients.get(i)), Step.RCPT).thenAccept(reply -> rcptReplies[index] = reply);
        }
        CompletableFuture<Void> data = conversation.send("DATA", Step.DATA).thenAccept(reply -> dataReply = reply);
        conversation.flush();
        return data;
    }

    private CompletableFuture<Void> sendEnvelopeStepwise() {
        return conversation.ask(mailCommand(), Step.MAIL).thenCompose(reply -> {
            mailReply = reply;
            return reply.positive() ? sendRecipientsFrom(0) : CompletableFuture.completedFuture(null);
        });
    }

    private CompletableFuture<Void> sendRecipientsFrom(int index) {
        if (index < recipients.size()) {
            return conversation.ask(rcptCommand(recipients.get(index)), Step.RCPT).thenCompose(reply -> {
                rcptReplies[index] = reply;
                return sendRecipientsFrom(index + 1);
            });
        }
        if (acceptedRecipients().isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return conversation.ask("DATA", Step.DATA).thenAccept(reply -> dataReply = reply);
    }

    private CompletableFuture<TransactionResult> afterEnvelope() {
        if (!mailReply.positive()) {
            return endWithoutContent(
                    Verdict.refused(server, mailReply, Step.MAIL, extensions.dsn()).forRecipients(recipients));
        }
        if (acceptedRecipients().isEmpty()) {
            return endWithoutContent(outcomes(null));
        }
        if (dataReply.code() != 354) {
            return reset(outcomes(Verdict.refused(server, dataReply, Step.DATA, extensions.dsn())));
        }
        return conversation.sendContent(DotStuffing.stuffed(request.content())).handle((reply, failure) -> {
            if (failure != null) {
                return new TransactionResult.Broken(outcomes(Verdict.lost(server, conversationBroken(failure))));
            }
            return new TransactionResult.Completed(outcomes(reply.positive()
                    ? Verdict.delivered(server, reply, Step.END_OF_DATA, extensions.dsn())
                    : Verdict.refused(server, reply, Step.END_OF_DATA, extensions.dsn())));
        });
    }

    /**
     * Ends a transaction that has no recipient to send content to. A server that invited content
     * all the same, with 354 to a pipelined DATA, gets none: the lone final dot ends it, whatever
     * it answers (RFC 2920 section 3.1), before the reset.
     */
    private CompletableFuture<TransactionResult> endWithoutContent(List<RecipientOutcome> outcomes) {
        if (dataReply == null || dataReply.code() != 354) {
            return reset(outcomes);
        }
        return conversation.sendContent(DotStuffing.stuffed(new byte[0]))
                .handle((reply, failure) -> null)
                .thenCompose(ended -> reset(outcomes));
    }

    /** The connection failed before the transaction ended. */
    private TransactionResult interrupted(Throwable failure) {
        Verdict lost = Verdict.lost(server, conversationBroken(failure));
        if (mailReply == null) {
            return new TransactionResult.Unstarted(lost);
        }
        return new TransactionResult.Broken(mailReply.positive()
                ? outcomes(lost)
                : Verdict.refused(server, mailReply, Step.MAIL, extensions.dsn()).forRecipients(recipients));
    }

    /**
     * A transaction that did not reach the end of DATA is reset (RFC 5321 section 4.1.1.5), so
     * that the connection can carry the next one; a server that does not take RSET gets no next one.
     */
    private CompletableFuture<TransactionResult> reset(List<RecipientOutcome> outcomes) {
        return conversation.ask("RSET", Step.RSET).handle((reply, failure) -> {
            if (failure != null || !reply.positive()) {
                connection.retire();
            }
            return new TransactionResult.Completed(outcomes);
        });
    }

    /**
     * Each recipient's outcome: its RCPT reply where the server refused it, else {@code rest}
     * (null only when every recipient was refused).
     */
    private List<RecipientOutcome> outcomes(Verdict rest) {
        List<RecipientOutcome> outcomes = new ArrayList<>(recipients.size());
        for (int i = 0; i < recipients.size(); i++) {
            SmtpReply rcpt = rcptReplies[i];
            Verdict verdict = rcpt != null && !rcpt.positive()
                    ? Verdict.refused(server, rcpt, Step.RCPT, extensions.dsn())
                    : rest;
            outcomes.add(verdict.forRecipient(recipients.get(i)));
        }
        return outcomes;
    }

    private List<Integer> acceptedRecipients() {
        List<Integer> accepted = new ArrayList<>();
        for (int i = 0; i < recipients.size(); i++) {
            if (rcptReplies[i] != null && rcptReplies[i].positive()) {
                accepted.add(recipients.get(i));
            }
        }
        return accepted;
    }

    private String mailCommand() {
        Envelope envelope = request.envelope();
        StringBuilder command = new StringBuilder("MAIL FROM:").append(envelope.returnPath());
        if (extensions.size()) {
            command.append(" SIZE=").append(request.content().length); // RFC 1870 section 6
        }
        if (eightBit) {
            command.append(" BODY=8BITMIME"); // RFC 6152 section 3; the server offers it, or unsendable() bounced
        }
        if (envelope.smtputf8()) {
            command.append(" SMTPUTF8"); // RFC 6531 section 3.4
        }
        if (extensions.dsn()) {
            // RFC 3461 section 5.2.1: a conforming server gets the DSN parameters as received.
            appendParameter(command, envelope.mailParameters(), "RET");
            appendParameter(command, envelope.mailParameters(), "ENVID");
        }
        return command.toString();
    }

    private String rcptCommand(int recipient) {
        Envelope.Recipient forwardPath = request.envelope().recipients().get(recipient);
        StringBuilder command = new StringBuilder("RCPT TO:<").append(forwardPath.address()).append('>');
        if (extensions.dsn()) {
            appendParameter(command, forwardPath.parameters(), "NOTIFY");
            appendParameter(command, forwardPath.parameters(), "ORCPT");
        }
        return command.toString();
    }

    private static void appendParameter(StringBuilder command, Map<String, String> parameters, String keyword) {
        String value = parameters.get(keyword);
        if (value != null) {
            command.append(' ').append(keyword).append('=').append(value);
        }
    }

    /**
     * 8-bit content, as the spool recorded when it accepted the message ({@link
     * dev.postillion.queue.BodyType}): a 7-bit message goes without BODY=8BITMIME whatever its
     * client declared.
     */
    private static boolean eightBit(DeliveryRequest request) {
        return "8BITMIME".equalsIgnoreCase(request.envelope().mailParameters().get("BODY"));
    }

    /** The server's part in a failure; anything else is a bug here, and surfaces as one. */
    private static ConversationBroken conversationBroken(Throwable failure) {
        return ConversationBroken.in(failure).orElseThrow(() -> new CompletionException(failure));
    }
}
