package dev.postillion.mta.smtp;

import dev.postillion.core.AddressSyntaxException;
import dev.postillion.core.EmailAddress;
import dev.postillion.core.MailboxList;
import dev.postillion.core.MessageHeaders;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The sender guard on the message (SPEC section 5): what an authenticated user submits carries
 * only its own addresses (itself, its aliases, in its domain or an alias domain) in From, as
 * Postfix's reject_sender_login_mismatch holds the envelope sender. MAIL FROM is held to the same
 * at the command (SmtpSession).
 */
final class SenderGuard {

    private SenderGuard() {}

    /**
     * Whether the message has one From field, a plain list of mailboxes each of which is one of
     * {@code own} (lower case). Anything a mail client might show differently from what is checked
     * here fails: several From fields (RFC 5322 section 3.6 allows one), groups, a mailbox with two
     * angle-addrs. A message without a From address fails too: there is nothing to vouch for.
     */
    static boolean fromAllowed(byte[] content, Set<String> own) {
        List<String> from = MessageHeaders.parse(content).fields().stream()
                .filter(field -> field.name().equalsIgnoreCase("From"))
                .map(MessageHeaders.Field::value)
                .toList();
        if (from.size() != 1) {
            return false;
        }
        Optional<List<String>> addresses = MailboxList.strictAddresses(from.get(0));
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
