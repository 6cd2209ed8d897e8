package dev.postillion.sieve;

import java.util.ArrayList;
import java.util.List;

/**
 * The addresses in a header field's value (RFC 5322 s3.4: address lists with display names,
 * comments, quoted strings and groups), as the address test compares them (RFC 5228 s5.1).
 */
final class MailAddresses {

    /** One address: its local part and domain ({@code ""} when it has none). */
    record Address(String localPart, String domain) {
        String all() {
            return domain.isEmpty() ? localPart : localPart + "@" + domain;
        }
    }

    private MailAddresses() {}

    /** The addresses of an address-list field value, groups opened to their members. */
    static List<Address> parse(String value) {
        List<Address> addresses = new ArrayList<>();
        for (String mailbox : mailboxes(value)) {
            String spec = addressSpec(mailbox);
            if (!spec.isEmpty()) {
                addresses.add(split(spec));
            }
        }
        return addresses;
    }

    /** Whether {@code address} is one plain addr-spec {@code local@domain}, as redirect takes. */
    static boolean valid(String address) {
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            return false;
        }
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (c <= ' ' || "<>()[],;:\\\"".indexOf(c) >= 0 || (c == '@' && i != at)) {
                return false;
            }
        }
        return true;
    }

    /** The address list cut at its top-level commas, a group's "name:" and ";" dropped. */
    private static List<String> mailboxes(String value) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean quoted = false;
        int comment = 0;
        boolean angle = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quoted) {
                if (c == '\\' && i + 1 < value.length()) {
                    part.append(c);
                    c = value.charAt(++i);
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (comment > 0) {
                if (c == '\\' && i + 1 < value.length()) {
                    i++;
                } else if (c == '(') {
                    comment++;
                } else if (c == ')') {
                    comment--;
                }
                continue;
            } else if (c == '(') {
                comment++;
                continue;
            } else if (c == '"') {
                quoted = true;
            } else if (c == '<') {
                angle = true;
            } else if (c == '>') {
                angle = false;
            } else if (!angle && (c == ',' || c == ';')) {
                parts.add(part.toString());
                part.setLength(0);
                continue;
            } else if (!angle && c == ':') {
                part.setLength(0); // a group's display name
                continue;
            }
            part.append(c);
        }
        parts.add(part.toString());
        return parts;
    }

    /** The addr-spec of one mailbox: what is in angle brackets (source route dropped), or all of it. */
    private static String addressSpec(String mailbox) {
        int open = mailbox.indexOf('<');
        String spec = mailbox;
        if (open >= 0) {
            int close = mailbox.indexOf('>', open);
            spec = mailbox.substring(open + 1, close < 0 ? mailbox.length() : close);
            int route = spec.indexOf(':');
            if (spec.startsWith("@") && route > 0) {
                spec = spec.substring(route + 1);
            }
        }
        return spec.strip();
    }

    private static Address split(String spec) {
        int at = spec.lastIndexOf('@');
        if (at < 0) {
            return new Address(unquote(spec), "");
        }
        return new Address(unquote(spec.substring(0, at).strip()), spec.substring(at + 1).strip());
    }

    private static String unquote(String localPart) {
        if (localPart.length() < 2 || !localPart.startsWith("\"") || !localPart.endsWith("\"")) {
            return localPart;
        }
        StringBuilder plain = new StringBuilder();
        for (int i = 1; i < localPart.length() - 1; i++) {
            char c = localPart.charAt(i);
            if (c == '\\' && i + 1 < localPart.length() - 1) {
                c = localPart.charAt(++i);
            }
            plain.append(c);
        }
        return plain.toString();
    }
}
