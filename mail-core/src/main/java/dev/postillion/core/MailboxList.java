package dev.postillion.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The addresses of an RFC 5322 {@code mailbox-list} or {@code address-list} (section 3.4), such as a
 * From field's value: for each mailbox, its addr-spec, from between angle brackets when it has a
 * display name. Comments are dropped, quoted strings kept whole, groups opened up.
 */
public final class MailboxList {

    private MailboxList() {}

    /** @return the addr-specs, stripped, in order; none for an empty list */
    public static List<String> addresses(String value) {
        List<String> addresses = new ArrayList<>();
        for (String mailbox : mailboxes(withoutComments(value.replace("\r", "").replace("\n", "")))) {
            String address = addrSpec(mailbox);
            if (!address.isEmpty()) {
                addresses.add(address);
            }
        }
        return addresses;
    }

    /** The text with each comment (nested ones too, section 3.2.2) replaced by a space. */
    private static String withoutComments(String value) {
        StringBuilder text = new StringBuilder(value.length());
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length() && (quoted || depth > 0)) {
                if (depth == 0) {
                    text.append(c).append(value.charAt(i + 1));
                }
                i++;
            } else if (depth == 0 && c == '"') {
                quoted = !quoted;
                text.append(c);
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')' && depth > 0) {
                depth--;
                text.append(depth == 0 ? " " : "");
            } else if (depth == 0) {
                text.append(c);
            }
        }
        return text.toString();
    }

    /**
     * The mailboxes of a list: split at commas outside quotes and angle brackets; a group's
     * display name (before its ":") is dropped and its ";" ends a mailbox (section 3.4).
     */
    private static List<String> mailboxes(String value) {
        List<String> mailboxes = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        boolean angle = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quoted && c == '\\' && i + 1 < value.length()) {
                current.append(c).append(value.charAt(++i));
                continue;
            }
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == '<' || c == '>')) {
                angle = c == '<';
            } else if (!quoted && !angle && (c == ',' || c == ';')) {
                mailboxes.add(current.toString());
                current.setLength(0);
                continue;
            } else if (!quoted && !angle && c == ':') {
                current.setLength(0); // a group's display name
                continue;
            }
            current.append(c);
        }
        mailboxes.add(current.toString());
        return mailboxes;
    }

    /** The addr-spec of a mailbox: inside its angle brackets, or the whole of it. */
    private static String addrSpec(String mailbox) {
        int open = mailbox.lastIndexOf('<');
        if (open < 0) {
            return mailbox.strip();
        }
        int close = mailbox.indexOf('>', open);
        String inside = mailbox.substring(open + 1, close < 0 ? mailbox.length() : close).strip();
        return inside.isEmpty() ? "<>" : inside;
    }
}
