package dev.postillion.queue.outbound;

import dev.postillion.queue.RecipientOutcome;
import dev.postillion.queue.RecipientOutcome.RemoteAnswer;
import dev.postillion.queue.RecipientOutcome.Status;
import dev.postillion.queue.TransportSecurity;
import java.util.List;
import java.util.Optional;

/**
 * What one event decides for every recipient it concerns: a reply to MAIL or to the end of DATA, a
 * refused connection, a lost one. A {@link RecipientOutcome} without its recipient.
 *
 * @param relay {@code host[ip]:port}, or {@code none} when no connection was made
 */
public record Verdict(Status status, String relay, String dsn, String detail, Optional<RemoteAnswer> remote) {

    /** Decided here, without a reply from the server. */
    static Verdict local(Status status, String relay, String dsn, String detail) {
        return new Verdict(status, relay, dsn, detail, Optional.empty());
    }

    /** The connection was lost or timed out: try again later (RFC 3463 4.4.2, bad connection). */
    static Verdict lost(RemoteServer server, ConversationBroken broken) {
        return local(Status.DEFERRED, server.relay(), "4.4.2", broken.getMessage());
    }

    /** The server took the message for the recipients: a 2yz reply to the end of DATA. */
    static Verdict delivered(RemoteServer server, SmtpReply reply, Step step, boolean dsnPassedOn) {
        return answer(Status.SENT, reply.dsn(), server, reply, step, dsnPassedOn);
    }

    /**
     * The server would not do what {@code step} asked: a 5yz reply is final, anything else is
     * tried again. A reply of a class that makes no sense here (a 250 to DATA) counts as a
     * temporary protocol error, 4.5.0 (RFC 3463 section 3.6).
     */
    static Verdict refused(RemoteServer server, SmtpReply reply, Step step, boolean dsnPassedOn) {
        if (reply.permanent()) {
            return answer(Status.BOUNCED, reply.dsn(), server, reply, step, dsnPassedOn);
        }
        String dsn = reply.code() / 100 == 4 ? reply.dsn() : "4.5.0";
        return answer(Status.DEFERRED, dsn, server, reply, step, dsnPassedOn);
    }

    private static Verdict answer(Status status, String dsn, RemoteServer server, SmtpReply reply, Step step,
            boolean dsnPassedOn) {
        RemoteAnswer answer = new RemoteAnswer(server.host().name(), server.address().getHostAddress(), reply.text(),
                step.command, dsnPassedOn);
        return new Verdict(status, server.relay(), dsn, answer.describe(), Optional.of(answer));
    }

    /** The same, as a temporary failure: a 5yz becomes its 4yz (for Postfix's smtp_skip_5xx_greeting). */
    Verdict softened() {
        return status == Status.BOUNCED
                ? new Verdict(Status.DEFERRED, relay, "4" + dsn.substring(1), detail, remote)
                : this;
    }

    /**
     * The outcome of a remote attempt: without TLS unless the attempt says otherwise
     * ({@link RecipientOutcome#over}), as one that made no connection.
     */
    public RecipientOutcome forRecipient(int recipient) {
        return new RecipientOutcome(recipient, status, relay, dsn, detail, remote, Optional.of(TransportSecurity.NONE));
    }

    public List<RecipientOutcome> forRecipients(List<Integer> recipients) {
        return recipients.stream().map(this::forRecipient).toList();
    }
}
