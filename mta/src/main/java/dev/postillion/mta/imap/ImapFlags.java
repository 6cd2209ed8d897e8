package dev.postillion.mta.imap;

import dev.postillion.mailbox.MessageFlags;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Flags as a client names them (RFC 9051 section 2.3.2) turned into a message's {@link MessageFlags}. */
final class ImapFlags {

    private ImapFlags() {}

    static MessageFlags parse(List<String> names) {
        int system = 0;
        List<String> keywords = new ArrayList<>();
        for (String name : names) {
            if (!name.startsWith("\\")) {
                keywords.add(name);
                continue;
            }
            system |= switch (name.toLowerCase(Locale.ROOT)) {
                case "\\seen" -> MessageFlags.SEEN;
                case "\\answered" -> MessageFlags.ANSWERED;
                case "\\flagged" -> MessageFlags.FLAGGED;
                case "\\deleted" -> MessageFlags.DELETED;
                case "\\draft" -> MessageFlags.DRAFT;
                case "\\recent" -> 0; // RFC 3501: the server's to set, not the client's; ignored
                default -> throw new CommandReader.BadSyntax("no such system flag: " + name);
            };
        }
        return new MessageFlags(system, keywords);
    }

    /** The flags in a FETCH response: {@code FLAGS (\Seen $Label1)}. */
    static String list(MessageFlags flags) {
        return "(" + String.join(" ", flags.names()) + ")";
    }
}
