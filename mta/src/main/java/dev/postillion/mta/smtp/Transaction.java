package dev.postillion.mta.smtp;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.Envelope;
import dev.postillion.mta.policy.limits.SenderStanding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The mail transaction an {@link SmtpSession} is in, begun by MAIL (RFC 5321 section 3.3). */
final class Transaction {
    /** Empty for the null reverse-path. */
    final Optional<EmailAddress> sender;
    /** The MAIL parameters, canonical. */
    final Map<String, String> parameters;
    final boolean smtputf8;
    final List<Envelope.Recipient> recipients = new ArrayList<>();
    /** An RCPT was given, accepted or not: DATA then has no valid recipients rather than none. */
    boolean rcptAttempted;
    /** The authenticated user's standing against its sending limits at MAIL; null when not limited. */
    SenderStanding standing;

    Transaction(Optional<EmailAddress> sender, Map<String, String> parameters, boolean smtputf8) {
        this.sender = sender;
        this.parameters = parameters;
        this.smtputf8 = smtputf8;
    }

    /**
     * Adds an accepted recipient. The same recipient twice in one transaction is one delivery, as in
     * Postfix's cleanup(8); different addresses of one mailbox (aliases) remain separate.
     */
    void add(EmailAddress recipient, Map<String, String> parameters) {
        if (recipients.stream().noneMatch(r -> r.address().key().equals(recipient.key()))) {
            recipients.add(new Envelope.Recipient(recipient, DsnParameters.canonical(parameters)));
        }
    }

    /** The sender as lists and replies name it: empty for the null sender. */
    String senderAddress() {
        return sender.map(EmailAddress::toString).orElse("");
    }
}
