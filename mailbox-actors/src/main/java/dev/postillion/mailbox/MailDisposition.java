package dev.postillion.mailbox;

import dev.postillion.core.AddressSyntaxException;
import dev.postillion.core.EmailAddress;
import dev.postillion.core.Envelope;
import dev.postillion.core.MessageHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

    /** What a disposition needs besides the message and its batch's reads: the hop limit, the node. */
    record Rules(int maxHops, String hostname, Clock clock) {}

    /**
     * @param mailbox the address the mail is delivered to, canonical
     * @param envelope the message's envelope as spooled; {@code recipient} indexes the recipient
     * @param reads whether forward targets are hosted here and the senders' SRS forms, read before
     *     the batch
     */
    static MailDisposition decide(Rules rules, Address address, EmailAddress mailbox, Envelope envelope,
            byte[] content, MessageHeaders headers, boolean spam, BatchReads reads) {
        String folder = spam ? FolderName.JUNK : FolderName.INBOX;
        String sender = envelope.sender().map(EmailAddress::key).orElse("");
        // SPEC section 2: a redirect to the original sender is skipped for that sender. Spam is
        // filed here, never redirected; the backup copy gets every message.
        List<String> redirect = address.redirect().isEmpty() || spam ? List.of()
                : address.redirect().get().targets().stream().filter(target -> !target.equals(sender)).toList();
        boolean keep = redirect.isEmpty() || address.redirect().get().keepCopy();
        List<String> targets = new ArrayList<>(redirect);
        address.backupCopy().ifPresent(targets::add);
        String note = address.redirect().isPresent() && redirect.isEmpty()
                ? (spam ? "filed as spam, not redirected" : "the only redirect target is the sender, kept here") : "";
        if (targets.isEmpty()) {
            return new MailDisposition(Optional.of(folder), List.of(), note);
        }
        String stop = whyNotForwarded(rules, mailbox, headers);
        if (!stop.isEmpty()) {
            // Nothing is lost: mail that may not be forwarded is kept here instead.
            return new MailDisposition(Optional.of(folder), List.of(), stop);
        }
        byte[] forwarded = withDeliveredTo(mailbox, content);
        return new MailDisposition(keep ? Optional.of(folder) : Optional.empty(),
                forwards(rules, reads, envelope, targets, forwarded), note);
    }

    /**
     * The forwards of a Sieve script's redirects (RFC 5228 section 4.2), made as the address's own
     * redirect's are: never back to the sender, not for a message in a loop, through SRS to
     * remote targets.
     *
     * @param targets addresses in canonical form
     * @return the forwards, and why there are none if the loop checks stopped them
     */
    static MailDisposition redirected(Rules rules, EmailAddress mailbox, Envelope envelope, byte[] content,
            MessageHeaders headers, BatchReads reads, List<String> targets) {
        String sender = envelope.sender().map(EmailAddress::key).orElse("");
        List<String> redirect = targets.stream().filter(target -> !target.equals(sender)).toList();
        if (redirect.isEmpty()) {
            return new MailDisposition(Optional.empty(), List.of(), "the script's redirect to the sender skipped");
        }
        String stop = whyNotForwarded(rules, mailbox, headers);
        if (!stop.isEmpty()) {
            return new MailDisposition(Optional.empty(), List.of(), "the script's redirect: " + stop);
        }
        return new MailDisposition(Optional.empty(),
                forwards(rules, reads, envelope, redirect, withDeliveredTo(mailbox, content)), "");
    }

    /**
     * Loops end here (SPEC section 2): a message that already passed this address carries its
     * {@code Delivered-To}, as Postfix's local(8) checks; one over the hop limit has circled
     * through other systems.
     */
    private static String whyNotForwarded(Rules rules, EmailAddress mailbox, MessageHeaders headers) {
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
    private static List<OutgoingMessage> forwards(Rules rules, BatchReads reads, Envelope envelope,
            List<String> targets, byte[] content) {
        List<EmailAddress> local = new ArrayList<>();
        List<EmailAddress> remote = new ArrayList<>();
        for (String target : targets) {
            EmailAddress address = EmailAddress.parse(target, true);
            (reads.hosts(address) ? local : remote).add(address);
        }
        List<OutgoingMessage> forwards = new ArrayList<>();
        if (!local.isEmpty()) {
            forwards.add(new OutgoingMessage(forwardEnvelope(rules, envelope, envelope.sender(), local), content));
        }
        if (!remote.isEmpty()) {
            Optional<EmailAddress> sender = envelope.sender().map(original -> reads.srsSender(original.toString())
                    .flatMap(MailDisposition::asAddress)
                    .orElse(original));
            forwards.add(new OutgoingMessage(forwardEnvelope(rules, envelope, sender, remote), content));
        }
        return forwards;
    }

    /**
     * The forward's envelope: from the node, dated now. It originated here only if the original
     * did: a forward of mail from elsewhere leaves DKIM-unsigned, for its From field may be forged
     * and a signature would vouch for it (RFC 6376 section 5.1). Of the original MAIL parameters
     * only those that still describe the content travel: BODY, and the DSN parameters ENVID and
     * RET, so that a report coming back through SRS reaches the original sender as asked (RFC 3461
     * section 4).
     */
    private static Envelope forwardEnvelope(Rules rules, Envelope original, Optional<EmailAddress> sender,
            List<EmailAddress> targets) {
        List<Envelope.Recipient> recipients = targets.stream()
                .map(target -> new Envelope.Recipient(target, Map.of())).toList();
        Map<String, String> parameters = new LinkedHashMap<>(original.mailParameters());
        parameters.keySet().retainAll(FORWARDED_PARAMETERS);
        boolean smtputf8 = original.smtputf8() || !sender.map(EmailAddress::isAscii).orElse(true)
                || targets.stream().anyMatch(target -> !target.isAscii());
        return new Envelope(sender, parameters, recipients, rules.hostname(), "127.0.0.1",
                rules.clock().instant(), smtputf8, false, original.originatedHere());
    }

    private static final Set<String> FORWARDED_PARAMETERS = Set.of("BODY", "ENVID", "RET");

    /**
     * An SRS address longer than a path may be (RFC 5321 section 4.5.3.1.3) cannot be used: the
     * original sender then goes out as it is, so the mail still goes.
     */
    private static Optional<EmailAddress> asAddress(String rewritten) {
        try {
            return Optional.of(EmailAddress.parse(rewritten, true));
        } catch (AddressSyntaxException e) {
            return Optional.empty();
        }
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
