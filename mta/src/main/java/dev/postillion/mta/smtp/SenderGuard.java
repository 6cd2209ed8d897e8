package dev.postillion.mta.smtp;

import dev.postillion.core.AddressSyntaxException;
import dev.postillion.core.EmailAddress;
import dev.postillion.core.MailboxList;
import dev.postillion.core.MessageHeaders;
import java.util.List;
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
     * Whether every address of every From field is one of {@code own} (lower case). A message
     * without a From address fails: there is nothing to vouch for (RFC 5322 section 3.6 requires one).
     */
    static boolean fromAllowed(byte[] content, Set<String> own) {
        List<String> from = MessageHeaders.parse(content).fields().stream()
                .filter(field -> field.name().equalsIgnoreCase("From"))
                .flatMap(field -> MailboxList.addresses(field.value()).stream())
                .toList();
        return !from.isEmpty() && from.stream().allMatch(address -> own.contains(key(address)));
    }

    private static String key(String address) {
        try {
            return EmailAddress.parse(address, true).key();
        } catch (AddressSyntaxException e) {
            return "";
        }
    }
}
