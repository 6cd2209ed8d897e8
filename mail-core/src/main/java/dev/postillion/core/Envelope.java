package dev.postillion.core;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The SMTP envelope of one message (RFC 5321 section 2.3.1): the reverse-path, the forward-paths
 * and their ESMTP parameters, and where the message came from.
 *
 * @param sender empty for the null reverse-path {@code <>} (bounces and auto-replies)
 * @param mailParameters MAIL FROM parameters such as SIZE, BODY, RET, ENVID, upper-cased keys
 * @param quarantined the sender's domain asked for such mail to be quarantined (DMARC
 *     {@code p=quarantine}): filed as spam unless the recipient allow-lists the sender
 * @param originatedHere the mail is ours: accepted from a trusted client (an authenticated session
 *     or a relay network), written by the node (auto-replies, delivery reports), or a forward of
 *     such mail. Only such mail is DKIM-signed on the way out; a forward of mail from elsewhere
 *     is not, for a signature would vouch for a From field anyone may have written (RFC 6376
 *     section 5.1)
 * @param spam the spam filter (Rspamd) judged the message spam: filed in Junk at each recipient
 *     whose address has the filter on and does not allow-list the sender (SPEC section 4)
 */
public record Envelope(
        Optional<EmailAddress> sender,
        Map<String, String> mailParameters,
        List<Recipient> recipients,
        String heloName,
        String clientAddress,
        Instant arrival,
        boolean smtputf8,
        boolean quarantined,
        boolean originatedHere,
        boolean spam) {

    public Envelope {
        mailParameters = Map.copyOf(mailParameters);
        recipients = List.copyOf(recipients);
    }

    /** An envelope of mail the spam filter did not judge spam. */
    public Envelope(Optional<EmailAddress> sender, Map<String, String> mailParameters, List<Recipient> recipients,
            String heloName, String clientAddress, Instant arrival, boolean smtputf8, boolean quarantined,
            boolean originatedHere) {
        this(sender, mailParameters, recipients, heloName, clientAddress, arrival, smtputf8, quarantined,
                originatedHere, false);
    }

    /**
     * An envelope of mail nobody asked to quarantine and that did not originate here: what SMTP
     * accepted from others, and the node's forwards of it.
     */
    public Envelope(Optional<EmailAddress> sender, Map<String, String> mailParameters, List<Recipient> recipients,
            String heloName, String clientAddress, Instant arrival, boolean smtputf8) {
        this(sender, mailParameters, recipients, heloName, clientAddress, arrival, smtputf8, false, false);
    }

    /** The same envelope, quarantined by the sender domain's DMARC policy. */
    public Envelope quarantine() {
        return new Envelope(sender, mailParameters, recipients, heloName, clientAddress, arrival, smtputf8, true,
                originatedHere, spam);
    }

    /** The same envelope, of mail that originated here: the node wrote it. */
    public Envelope withOriginatedHere() {
        return new Envelope(sender, mailParameters, recipients, heloName, clientAddress, arrival, smtputf8, quarantined,
                true, spam);
    }

    /** The same envelope with other MAIL FROM parameters. */
    public Envelope withMailParameters(Map<String, String> parameters) {
        return new Envelope(sender, parameters, recipients, heloName, clientAddress, arrival, smtputf8, quarantined,
                originatedHere, spam);
    }

    /** One forward-path with its parameters (NOTIFY, ORCPT: RFC 3461 section 4). */
    public record Recipient(EmailAddress address, Map<String, String> parameters) {
        public Recipient {
            parameters = Map.copyOf(parameters);
        }
    }

    /** The reverse-path as written in a {@code Return-Path:} header: {@code <>} for the null sender. */
    public String returnPath() {
        return "<" + sender.map(EmailAddress::toString).orElse("") + ">";
    }
}
