package dev.postillion.mta.smtp;

import dev.postillion.core.AddressSyntaxException;
import dev.postillion.core.EmailAddress;
import dev.postillion.core.Xtext;
import dev.postillion.mailbox.Directory;
import dev.postillion.mailbox.SenderLists;
import dev.postillion.mailbox.srs.Reversal;
import dev.postillion.mailbox.srs.Srs;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who an RCPT TO names and whether mail to it is taken (SPEC sections 1, 2 and 4): an SRS address
 * of ours is reversed to the original sender, then the directory resolves the recipient. Hosted
 * mailboxes are taken (subject to greylisting, which the session asks), other domains only from
 * our users or for returning bounces; everything else gets its exact 550 or 554.
 */
final class RecipientCheck {

    /** What to do with the recipient. */
    sealed interface Decision {}

    /** Take it, with these parameters (ORCPT kept for a reversed SRS address). */
    record Accept(EmailAddress recipient, Map<String, String> parameters) implements Decision {}

    /** A hosted mailbox: take it once greylisting lets the attempt through. */
    record Mailbox(EmailAddress recipient, Map<String, String> parameters) implements Decision {}

    /** Refused: a client error when 5xx, our fault when 4xx. */
    record Refuse(Reply reply) implements Decision {}

    private static final Logger log = LoggerFactory.getLogger(RecipientCheck.class);

    private final Srs srs;
    private final Directory directory;
    private final Postmaster postmaster;

    RecipientCheck(Srs srs, Directory directory, Postmaster postmaster) {
        this.srs = srs;
        this.directory = directory;
        this.postmaster = postmaster;
    }

    /** {@code RCPT TO:<Postmaster>}, which names no domain (RFC 5321 section 4.1.1.3). */
    CompletionStage<Decision> decidePostmaster(String path, Map<String, String> parameters) {
        return toPostmaster(path, postmaster.ofNode(), parameters);
    }

    /**
     * Completes at once when the directory's cache knows the recipient, else on the store's reader
     * thread: the session's event loop never waits for the directory (ARCHITECTURE rule 1), nor
     * for whether an SRS address is at a domain of ours.
     *
     * @param addressed the address as the client gave it
     * @param sender the transaction's sender as sender lists name it, empty for the null sender
     * @param trusted one of our users (relay networks, authenticated), who may relay
     */
    CompletionStage<Decision> decide(EmailAddress addressed, Map<String, String> parameters, String sender,
            boolean trusted) {
        return lookUp(addressed, () -> srs.reverse(addressed.toString())).thenCompose(reversal -> reversal.isEmpty()
                ? decided(new Refuse(Replies.DIRECTORY_ERROR))
                : decide(addressed, reversal.get(), parameters, sender, trusted));
    }

    private CompletionStage<Decision> decide(EmailAddress addressed, Reversal reversal, Map<String, String> parameters,
            String sender, boolean trusted) {
        String about = addressed.toString();
        if (reversal instanceof Reversal.Invalid invalid) {
            return decided(new Refuse(Replies.invalidSrs(invalid.reason()).about(about)));
        }
        Optional<EmailAddress> returning = reversal instanceof Reversal.Original original
                ? returnedTo(original) : Optional.empty();
        if (reversal instanceof Reversal.Original && returning.isEmpty()) {
            return decided(new Refuse(Replies.invalidSrs("it holds no valid address").about(about)));
        }
        EmailAddress recipient = returning.orElse(addressed);
        Map<String, String> withOrcpt = returning.isPresent() ? withOrcpt(addressed, parameters) : parameters;
        return resolve(recipient).thenCompose(resolution -> {
            if (resolution.isEmpty()) {
                return decided(new Refuse(Replies.DIRECTORY_ERROR));
            }
            Directory.Lookup lookup = resolution.get().lookup();
            if (returning.isEmpty() && forPostmaster(recipient, lookup)) {
                return toPostmaster(about, addressed, parameters);
            }
            return decided(switch (lookup) {
                // Relaying for our users (the relay networks, as Postfix's permit_mynetworks, and
                // authenticated sessions, as permit_sasl_authenticated) and for bounces returning
                // through our SRS addresses; the queue sends them on.
                case NOT_HOSTED -> trusted || returning.isPresent() ? new Accept(recipient, withOrcpt)
                        : new Refuse(Replies.RELAY_DENIED.about(about));
                case UNKNOWN_ADDRESS -> new Refuse(Replies.UNKNOWN_USER.about(about));
                case NO_REPLY -> new Refuse(Replies.doesNotReceive(recipient.toString()).about(about));
                case DISABLED -> new Refuse(Replies.ACCOUNT_DISABLED.about(about));
                case MAILBOX -> blockedSender(resolution.get(), sender)
                        ? new Refuse(Replies.senderBlocked(sender).about(about))
                        : new Mailbox(recipient, withOrcpt);
            });
        });
    }

    /** The directory's resolution, or empty when it failed (logged; the client gets a 4xx). */
    private CompletionStage<Optional<Directory.Resolution>> resolve(EmailAddress recipient) {
        return lookUp(recipient, () -> directory.resolve(recipient));
    }

    /** What a lookup about the recipient found, or empty when it failed (logged; the client gets a 4xx). */
    private static <T> CompletionStage<Optional<T>> lookUp(EmailAddress recipient,
            Supplier<CompletionStage<T>> lookup) {
        CompletionStage<T> answer;
        try {
            answer = lookup.get();
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.handle((found, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                log.warn("recipient lookup of {} failed: {}", recipient, cause.getMessage());
                return Optional.empty();
            }
            return Optional.of(found);
        });
    }

    private static CompletionStage<Decision> decided(Decision decision) {
        return CompletableFuture.completedFuture(decision);
    }

    /**
     * RFC 5321 section 4.5.1: postmaster at a hosted domain must be taken even where nobody created
     * it, and so must postmaster and MAILER-DAEMON (to which our reports' replies go) at the node's
     * own hostname, unless the directory hosts them as real addresses.
     */
    private boolean forPostmaster(EmailAddress recipient, Directory.Lookup lookup) {
        return (lookup == Directory.Lookup.UNKNOWN_ADDRESS && Postmaster.isPostmaster(recipient))
                || (postmaster.isNodeAddress(recipient) && lookup != Directory.Lookup.MAILBOX);
    }

    /**
     * Mail for the postmaster goes to the configured mailbox, with ORCPT naming the address the
     * client used (RFC 3461 section 4.2). With none configured, or one the directory does not hold,
     * it is our fault: 451 4.3.5 (RFC 3463: system incorrectly configured), and a warning.
     */
    private CompletionStage<Decision> toPostmaster(String about, EmailAddress addressed,
            Map<String, String> parameters) {
        if (postmaster.mailbox().isEmpty()) {
            log.warn("mail to <{}> refused: postillion.postmaster is not set", about);
            return decided(new Refuse(Replies.NO_POSTMASTER.about(about)));
        }
        EmailAddress mailbox = postmaster.mailbox().get();
        return resolve(mailbox).thenApply(resolution -> {
            if (resolution.isEmpty()) {
                return new Refuse(Replies.DIRECTORY_ERROR);
            }
            Directory.Lookup lookup = resolution.get().lookup();
            if (lookup != Directory.Lookup.MAILBOX) {
                log.warn("mail to <{}> refused: postillion.postmaster <{}> is not a hosted mailbox ({})", about,
                        mailbox, lookup);
                return new Refuse(Replies.NO_POSTMASTER.about(about));
            }
            return new Mailbox(mailbox, withOrcpt(addressed, parameters));
        });
    }

    /** The recipient refuses this sender outright: on its block list, with rejection chosen (SPEC 4). */
    private static boolean blockedSender(Directory.Resolution resolution, String sender) {
        return resolution.address().rejectBlocked()
                && SenderLists.verdict(resolution.address(), sender) == SenderLists.Verdict.BLOCKED;
    }

    /**
     * A bounce coming back to an address our redirect rewrote with SRS goes to the original sender,
     * wherever it is (SPEC section 2); empty when what the SRS address holds is no address.
     */
    private static Optional<EmailAddress> returnedTo(Reversal.Original original) {
        try {
            return Optional.of(EmailAddress.parse(original.address(), true));
        } catch (AddressSyntaxException e) {
            return Optional.empty();
        }
    }

    /** ORCPT keeps the address the remote used (RFC 3461 section 4.2) unless the client gave one. */
    private static Map<String, String> withOrcpt(EmailAddress addressed, Map<String, String> parameters) {
        Map<String, String> withOrcpt = new LinkedHashMap<>(parameters);
        withOrcpt.putIfAbsent("ORCPT", "rfc822;" + Xtext.encode(addressed.toString()));
        return withOrcpt;
    }
}
