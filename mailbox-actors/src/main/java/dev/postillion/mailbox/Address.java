package dev.postillion.mailbox;

import dev.postillion.core.EmailAddress;
import dev.postillion.mailbox.responder.Responder;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A hosted address and its mail settings as the directory answers for it (SPEC sections 1 to 4):
 * what other modules are given instead of the directory's record. Its password is not part of
 * it: {@link Directory#authenticate} checks one.
 *
 * @param localPart as the operator spelled it; the directory compares local parts case-insensitively
 * @param domain the primary domain it belongs to
 * @param aliases other local parts of the same domain delivered here, as spelled
 * @param backupCopy where every incoming message is also sent
 * @param allow senders ({@code x@y} or {@code @domain}, lower case) that skip the spam verdict
 * @param block senders filed in Junk, or refused when {@code rejectBlocked}
 * @param rejectBlocked blocked senders are refused at RCPT instead of filed in Junk
 * @param spamFilter the spam filter's verdict applies to its mail (on unless the user turned it off)
 * @param timeZone the zone responder dates and weekdays are read in
 * @param responders its out-of-office responders, at most one of them active
 * @param activeResponderId the id of the active responder
 * @param passwordVersion how many times its password was changed: a login remembers the version it
 *     was made with, and ends when the password changes ({@link Directory#changePassword})
 * @param encryption its public key, while its mail is encrypted at rest ({@link AddressEncryption})
 */
public record Address(String localPart, String domain, Type type, boolean disabled, List<String> aliases,
        Optional<Redirect> redirect, Optional<String> backupCopy, List<String> allow, List<String> block,
        boolean rejectBlocked, boolean spamFilter, ZoneId timeZone, List<Responder> responders,
        Optional<String> activeResponderId, Instant created, long passwordVersion, Optional<Encryption> encryption) {

    /**
     * The address's mail is encrypted at rest (SPEC section 7).
     *
     * @param publicKey its transferable OpenPGP public key, binary: messages are encrypted to it
     * @param fingerprint the primary key's fingerprint, upper-case hex
     * @param since when encryption was turned on (or its keys were last made new)
     */
    public record Encryption(byte[] publicKey, String fingerprint, Instant since) {}

    /** What an address does with mail sent to it. */
    public enum Type {
        /** Receives mail into its mailbox. */
        MAILBOX,
        /** Sends, never receives: RCPT to it is refused, 550 5.1.1 ... does not receive mail. */
        NO_REPLY
    }

    /**
     * The address's mail is forwarded (SPEC section 2).
     *
     * @param targets addresses, local or remote, in canonical (lower-case) form
     * @param keepCopy whether the address keeps a copy in its own mailbox
     */
    public record Redirect(List<String> targets, boolean keepCopy) {

        public Redirect {
            targets = List.copyOf(targets);
        }
    }

    public Address {
        aliases = List.copyOf(aliases);
        allow = List.copyOf(allow);
        block = List.copyOf(block);
        responders = List.copyOf(responders);
    }

    /** The address in canonical form: the mailbox its mail goes to. */
    public EmailAddress mailbox() {
        return new EmailAddress(localPart.toLowerCase(Locale.ROOT), domain);
    }

    /** The responder that answers now, if one is active. */
    public Optional<Responder> activeResponder() {
        return activeResponderId.flatMap(this::responder);
    }

    public Optional<Responder> responder(String id) {
        return responders.stream().filter(responder -> responder.id().equals(id)).findFirst();
    }
}
