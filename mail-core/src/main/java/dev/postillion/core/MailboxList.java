package dev.postillion.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
        for (String mailbox : split(unfolded(value), false).orElseThrow()) {
            String address = addrSpec(mailbox);
            if (!address.isEmpty()) {
                addresses.add(address);
            }
        }
        return addresses;
    }

    /**
     * The addresses of a plain {@code mailbox-list} (section 3.4), read strictly, for a check that
     * must see exactly what a mail client shows: empty when the value is anything else or
     * ambiguous (a group, a mailbox with two angle-addrs or text after its angle-addr, an empty
     * element, an addr-spec with spaces), where {@link #addresses} would guess.
     */
    public static Optional<List<String>> strictAddresses(String value) {
        Optional<List<String>> elements = split(unfolded(value), true);
        if (elements.isEmpty()) {
            return Optional.empty();
        }
        List<String> addresses = new ArrayList<>();
        for (String mailbox : elements.get()) {
            Optional<String> address = strictAddrSpec(mailbox.strip());
            if (address.isEmpty()) {
                return Optional.empty();
            }
            addresses.add(address.get());
        }
        return Optional.of(addresses);
    }

    /** The one addr-spec of a mailbox: its only angle-addr, with nothing after it, or the whole of it. */
    private static Optional<String> strictAddrSpec(String mailbox) {
        int open = mailbox.indexOf('<');
        if (open < 0) {
            boolean bare = !mailbox.isEmpty() && mailbox.chars().noneMatch(c -> c == ' ' || c == '\t');
            return bare ? Optional.of(mailbox) : Optional.empty();
        }
        int close = mailbox.indexOf('>', open);
        String inside = mailbox.substring(open + 1, close).strip();
        boolean alone = mailbox.indexOf('<', open + 1) < 0 && mailbox.substring(close + 1).isBlank();
        return alone && !inside.isEmpty() ? Optional.of(inside) : Optional.empty();
    }

    /** The value unfolded (RFC 5322 section 2.2.3), without its comments. */
    private static String unfolded(String value) {
        return withoutComments(value.replace("\r", "").replace("\n", ""));
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
     * The mailboxes of a list: split at commas outside quotes and angle brackets. Leniently, a
     * group's display name (before its ":") is dropped and its ";" ends a mailbox (section 3.4);
     * strictly, a group or a stray or unclosed bracket or quote makes the list unreadable (empty).
     */
    private static Optional<List<String>> split(String value, boolean strict) {
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
            boolean structural = !quoted && !angle && (c == ',' || c == ';' || c == ':');
            if (strict && !quoted && (c == '<' && angle || c == '>' && !angle || c == ';' || c == ':' && !angle)) {
                return Optional.empty();
            }
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == '<' || c == '>')) {
                angle = c == '<';
            } else if (structural) {
                if (c != ':') {
                    mailboxes.add(current.toString());
                }
                current.setLength(0); // after ":", what came before was a group's display name
                continue;
            }
            current.append(c);
        }
        mailboxes.add(current.toString());
        return strict && (quoted || angle) ? Optional.empty() : Optional.of(mailboxes);
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
