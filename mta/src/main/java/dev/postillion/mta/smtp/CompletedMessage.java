package dev.postillion.mta.smtp;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.Envelope;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A transaction whose content has arrived whole (RFC 5321 section 4.1.1.4), handed from the
 * session to its {@link MessagePolicy}.
 *
 * @param sender empty for the null reverse-path
 * @param parameters the MAIL parameters, canonical
 * @param content unstuffed, without our trace fields: what the framer kept, after the pieces its
 *     connection wrote to the spool, until the policy has read those back in front of it
 * @param pieces the content's pieces in the spool, if any
 */
record CompletedMessage(Client client, Optional<EmailAddress> sender, Map<String, String> parameters,
        boolean smtputf8, List<Envelope.Recipient> recipients, byte[] content, ContentPieces pieces) {

    /** The message with its whole content. */
    CompletedMessage whole(byte[] whole) {
        return new CompletedMessage(client, sender, parameters, smtputf8, recipients, whole, pieces);
    }

    /** The sender as lists and replies name it: empty for the null sender. */
    String senderAddress() {
        return sender.map(EmailAddress::toString).orElse("");
    }
}
