package dev.postillion.mta.imap;

import dev.postillion.mailbox.MessageFlags;
import java.util.List;

/** Flags as a client names them (RFC 9051 section 2.3.2) turned into a message's {@link MessageFlags}. */
final class ImapFlags {

    private ImapFlags() {}

    static MessageFlags parse(List<String> names) {
        try {
            return MessageFlags.named(names);
        } catch (IllegalArgumentException e) {
            throw new CommandReader.BadSyntax(e.getMessage());
        }
    }

    /** The flags in a FETCH response: {@code FLAGS (\Seen $Label1)}. */
    static String list(MessageFlags flags) {
        return "(" + String.join(" ", flags.names()) + ")";
    }
}
