package dev.postillion.mailbox;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.Envelope;
import dev.postillion.core.MessageHeaders;
import dev.postillion.core.proto.AddressRecord;
import dev.postillion.mailbox.srs.Srs;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What one incoming message does at an address (SPEC sections 2 and 4): which folder keeps a
 * copy, if any, and which forwards (redirect, backup copy) it causes. The responder's answer is
 * decided apart, by {@link Responders}, as it needs the address's memory.
 *
 * @param folder where the copy is kept; empty when the address redirects without keeping one
 * @param forwards new messages to spool with the delivery
 * @param note why the message was not forwarded although the address redirects; empty otherwise
 */
record MailDisposition(Optional<String> folder, List<OutgoingMessage> forwards, String note) {

    static final String SPAM = "Spam";

    /** What a disposition needs besides the message: the node's hosted domains, SRS, the hop limit. */
    record Rules(Directory directory, Srs srs, int maxHops, String hostname, Clock clock) {}

    /**
     * @param mailbox the address the mail is delivered to, canonical
     * @param envelope the message's envelope as spooled; {@code recipient} indexes the recipient
     */
    static MailDisposition decide(Rules rules, AddressRecord address, EmailAddress mailbox, Envelope envelope,
            byte[] content, MessageHeaders headers, boolean spam) {
        String folder = spam ? SPAM : MailboxActor.INBOX;
        List<String> targets = new ArrayList<>();
        if (address.hasRedirect()) {
            targets.addAll(address.getRedirect().getTargetsList());
        }
        if (!address.getBackupCopy().isEmpty()) {
            targets.add(address.getBackupCopy());
        }
        boolean keep = !address.hasRedirect() || address.getRedirect().getKeepCopy();
        if (targets.isEmpty()) {
            return new MailDisposition(Optional.of(folder), List.of(), "");
        }
        String stop = whyNotForwarded(rules, mailbox, headers, spam);
        if (!stop.isEmpty()) {
            // Nothing is lost: mail that may not be forwarded is kept here instead.
            return new MailDisposition(Optional.of(folder), List.of(), stop);
        }
        // SPEC section 2: a redirect to the original sender is skipped for that sender.
        String sender = envelope.sender().map(EmailAddress::key).orElse("");
        targets.removeIf(target -> target.equals(sender));
        if (targets.isEmpty()) {
            return new MailDisposition(Optional.of(folder), List.of(),
                    "the only redirect target is the sender, kept, not forwarded");
        }
        byte[] forwarded = withDeliveredTo(mailbox, content);
        return new MailDisposition(keep ? Optional.of(folder) : Optional.empty(),
                forwards(rules, mailbox, envelope, targets, forwarded), "");
    }

    /**
     * Loops end here (SPEC section 2): a message that already passed this address carries its
     * {@code Delivered-To}, as Postfix's local(8) checks; one over the hop limit has circled
     * through other systems. Mail filed as spam is not passed on either.
     */
    private static String whyNotForwarded(Rules rules, EmailAddress mailbox, MessageHeaders headers, boolean spam) {
        if (spam) {
            return "filed as spam, not forwarded";
        }
        boolean seen = headers.fields().stream().anyMatch(field -> field.name().equalsIgnoreCase("Delivered-To")
                && field.value().trim().equalsIgnoreCase(mailbox.key()));
        if (seen) {
            return "mail forwarding loop: message already delivered to " + mailbox.key() + ", kept, not forwarded";
        }
        if (headers.count("Received") > rules.maxHops()) {
            return "too many hops (" + headers.count("Received") + " Received headers), kept, not forwarded";
        }
        return "";
    }

    /**
     * One forward for the local targets with the original sender, one for the remote targets with
     * the sender rewritten by SRS so that SPF passes at the target (SPEC section 2). A sender SRS
     * does not rewrite (the null sender, a hosted address) goes out as it is.
     */
    private static List<OutgoingMessage> forwards(Rules rules, EmailAddress mailbox, Envelope envelope, List<String> targets,
            byte[] content) {
        List<EmailAddress> local = new ArrayList<>();
        List<EmailAddress> remote = new ArrayList<>();
        for (String target : targets) {
            EmailAddress address = EmailAddress.parse(target, true);
            (rules.directory().hosts(address.domain()) ? local : remote).add(address);
        }
        List<OutgoingMessage> forwards = new ArrayList<>();
        if (!local.isEmpty()) {
            forwards.add(new OutgoingMessage(forwardEnvelope(rules, envelope, envelope.sender(), local), content));
        }
        if (!remote.isEmpty()) {
            Optional<EmailAddress> sender = envelope.sender().map(original -> rules.srs()
                    .forward(original.toString(), mailbox.domain())
                    .map(rewritten -> EmailAddress.parse(rewritten, true))
                    .orElse(original));
            forwards.add(new OutgoingMessage(forwardEnvelope(rules, envelope, sender, remote), content));
        }
        return forwards;
    }

    private static Envelope forwardEnvelope(Rules rules, Envelope original, Optional<EmailAddress> sender,
            List<EmailAddress> targets) {
        List<Envelope.Recipient> recipients = targets.stream()
                .map(target -> new Envelope.Recipient(target, Map.of())).toList();
        return new Envelope(sender, original.mailParameters(), recipients, rules.hostname(), "127.0.0.1",
                rules.clock().instant(), original.smtputf8());
    }

    /** The forwarded copy records this address, so that the loop check sees it coming back. */
    private static byte[] withDeliveredTo(EmailAddress mailbox, byte[] content) {
        byte[] header = ("Delivered-To: " + mailbox.key().toLowerCase(Locale.ROOT) + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] forwarded = new byte[header.length + content.length];
        System.arraycopy(header, 0, forwarded, 0, header.length);
        System.arraycopy(content, 0, forwarded, header.length, content.length);
        return forwarded;
    }
}
