package dev.postillion.mta.smtp;

import dev.postillion.core.AddressSyntaxException;
import dev.postillion.core.EmailAddress;
import dev.postillion.core.MailboxList;
import dev.postillion.core.MessageHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The sender guard on the message (SPEC section 5): what an authenticated user submits carries
 * only its own addresses (itself, its aliases, in its domain or an alias domain) in From, and in
 * Sender, Resent-From and Resent-Sender when it has them, as Postfix's
 * reject_sender_login_mismatch holds the envelope sender. MAIL FROM is held to the same at the
 * command (EnvelopeCommands).
 */
final class SenderGuard {

    private SenderGuard() {}

    /**
     * Whether the message has one From field, a plain list of mailboxes each of which is one of
     * {@code own} (lower case). Anything a mail client might show differently from what is checked
     * here fails: several From fields (RFC 5322 section 3.6 allows one), groups, a mailbox with two
     * angle-addrs. A message without a From address fails too: there is nothing to vouch for.
     */
    static boolean authorsAllowed(byte[] content, Set<String> own) {
        List<MessageHeaders.Field> fields = MessageHeaders.parse(content).fields();
        List<String> from = values(fields, "From");
        // RFC 5322 section 3.6: one Sender at most; a mail client shows it as "on behalf of". The
        // Resent- fields (section 3.6.6) name who re-sent the message, and may come once per
        // resending: each of them must be the user's too.
        List<String> sender = values(fields, "Sender");
        List<String> resent = new ArrayList<>(values(fields, "Resent-From"));
        resent.addAll(values(fields, "Resent-Sender"));
        return from.size() == 1 && ownMailboxes(from.get(0), own)
                && sender.size() <= 1 && sender.stream().allMatch(value -> ownMailboxes(value, own))
                && resent.stream().allMatch(value -> ownMailboxes(value, own));
    }

    private static List<String> values(List<MessageHeaders.Field> fields, String name) {
        return fields.stream().filter(field -> field.name().equalsIgnoreCase(name))
                .map(MessageHeaders.Field::value)
                .toList();
    }

    /** A plain, non-empty list of mailboxes, each of which is one of {@code own}. */
    private static boolean ownMailboxes(String value, Set<String> own) {
        Optional<List<String>> addresses = MailboxList.strictAddresses(value);
        return addresses.isPresent() && !addresses.get().isEmpty()
                && addresses.get().stream().allMatch(address -> own.contains(key(address)));
    }

    private static String key(String address) {
        try {
            return EmailAddress.parse(address, true).key();
        } catch (AddressSyntaxException e) {
            return "";
        }
    }
}
