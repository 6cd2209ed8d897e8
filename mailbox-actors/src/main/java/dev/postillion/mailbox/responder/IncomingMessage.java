package dev.postillion.mailbox.responder;

import dev.postillion.core.MessageHeaders;
import java.util.Objects;

/**
 * A message as it reached an address, as far as a responder needs it.
 *
 * @param envelopeSender the SMTP MAIL FROM address (RFC 5321 section 4.1.1.2) as {@code local@domain},
 *     with or without angle brackets; empty or {@code <>} for the null sender. Replies go here, not
 *     to From or Reply-To (RFC 3834 section 4).
 * @param headers the message's header section
 * @param spam whether the spam filter classified the message as spam
 */
public record IncomingMessage(String envelopeSender, MessageHeaders headers, boolean spam) {

    public IncomingMessage {
        Objects.requireNonNull(envelopeSender, "envelopeSender");
        Objects.requireNonNull(headers, "headers");
    }

    /** The sender without angle brackets or surrounding space; empty for the null sender. */
    public String sender() {
        String sender = envelopeSender.strip();
        if (sender.startsWith("<") && sender.endsWith(">")) {
            sender = sender.substring(1, sender.length() - 1).strip();
        }
        return sender;
    }
}
