package dev.postillion.queue.report;

import dev.postillion.core.Envelope;
import dev.postillion.queue.RecipientOutcome;
import dev.postillion.queue.RecipientOutcome.RemoteAnswer;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a report says about one recipient: its per-recipient fields (RFC 3464 section 2.3) and its
 * line in the human part.
 *
 * @param recipient the envelope recipient, whose ORCPT parameter gives the Original-Recipient
 * @param status the RFC 3463 enhanced status code, {@code class.subject.detail}
 * @param detail what happened, in words; for a remote answer Postfix's {@code host H[IP] said:
 *     REPLY (in reply to COMMAND command)}
 * @param remote the remote server's answer, for Remote-MTA and Diagnostic-Code
 * @param lastAttempt when delivery was last tried (Last-Attempt-Date)
 */
public record RecipientReport(Envelope.Recipient recipient, Action action, String status, String detail,
        Optional<RemoteAnswer> remote, Instant lastAttempt) {

    /** RFC 3463 section 2: a class of 2, 4 or 5, then two numbers of up to three digits. */
    private static final Pattern STATUS = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");

    public RecipientReport {
        Objects.requireNonNull(recipient);
        Objects.requireNonNull(action);
        Objects.requireNonNull(detail);
        Objects.requireNonNull(remote);
        Objects.requireNonNull(lastAttempt);
        if (!STATUS.matcher(status).matches()) {
            throw new IllegalArgumentException("not an enhanced status code: " + status);
        }
    }

    /** The report on a recipient as the queue last saw it: status, detail and remote answer from its outcome. */
    public static RecipientReport of(Envelope.Recipient recipient, Action action, RecipientOutcome outcome,
            Instant lastAttempt) {
        return new RecipientReport(recipient, action, outcome.dsn(), outcome.detail(), outcome.remote(), lastAttempt);
    }

    /** The address the client first gave, from the ORCPT parameter (RFC 3461 section 4.2). */
    Optional<TypedAddress> originalRecipient() {
        return Optional.ofNullable(recipient.parameters().get("ORCPT")).flatMap(TypedAddress::fromOrcpt);
    }
}
