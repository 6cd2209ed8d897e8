package dev.postillion.mta.imap;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads an RFC 5322 address list (section 3.4, with the obsolete routes of section 4.4) into the
 * addresses of ENVELOPE: phrases, angle addresses, routes, groups, comments as names where no
 * name is written. What it does with broken lists follows Dovecot where the comparison in
 * MessageStructureTest showed it; lists Dovecot stops reading at an error are read on here.
 */
final class AddressListReader {

    private static final String SPECIALS = "()<>[]:;@\\,.\"";

    private final String text;
    private int at;
    private String lastComment;
    private boolean unterminated;

    AddressListReader(String text) {
        this.text = text;
    }

    /**
     * The list's items. An empty item before a comma stands for an address that is missing
     * (Dovecot reports it as MISSING_MAILBOX at MISSING_DOMAIN); an empty last item is nothing.
     */
    List<EnvelopeAddress> read() {
        List<EnvelopeAddress> addresses = new ArrayList<>();
        boolean afterItem = false;
        while (skipSpace() < text.length()) {
            char c = text.charAt(at);
            if (c == ',') {
                if (!afterItem) {
                    addresses.add(new EnvelopeAddress(null, null, EnvelopeAddress.MISSING_MAILBOX, EnvelopeAddress.MISSING_DOMAIN));
                }
                afterItem = false;
                at++;
                continue;
            }
            if (c == ';' || c == '>') {
                at++;
                continue;
            }
            int before = at;
            readItem(addresses, true);
            afterItem = true;
            if (at == before) {
                at++; // a stray special: skipped so the reader always moves on
            }
        }
        return addresses;
    }

    /**
     * One mailbox, or (where {@code groups}) one group with its members. Words without an
     * address after them are a local part when nothing but dots stands between them (the
     * domain is then missing), else a display name whose address is missing.
     */
    private void readItem(List<EnvelopeAddress> addresses, boolean groups) {
        lastComment = null;
        unterminated = false;
        StringBuilder phrase = new StringBuilder();
        boolean spaced = false;
        while (true) {
            int before = at;
            if (skipSpace() >= text.length()) {
                break;
            }
            boolean space = at > before && phrase.length() > 0;
            char c = text.charAt(at);
            if (c == '<') {
                at++;
                addresses.add(angleAddress(phrase.length() == 0 ? null : phrase.toString()));
                return;
            }
            if (c == ':' && groups) {
                at++;
                readGroup(addresses, phrase.toString());
                return;
            }
            if (c == '@' || c == ',' || c == ';' || c == '>' || (c == ':' && !groups)) {
                break;
            }
            String word = c == '.' ? "." : c == '"' ? quoted() : atom();
            if (c == '.') {
                at++;
            }
            if (word == null) {
                break;
            }
            spaced |= space;
            phrase.append(space ? " " : "").append(word);
        }
        boolean hasDomain = at < text.length() && text.charAt(at) == '@';
        if (unterminated) {
            addresses.add(new EnvelopeAddress(null, null, EnvelopeAddress.MISSING_MAILBOX, EnvelopeAddress.MISSING_DOMAIN));
            return;
        }
        if (phrase.length() == 0 && !hasDomain) {
            return;
        }
        if (spaced && !hasDomain) {
            addresses.add(new EnvelopeAddress(phrase.toString(), null, EnvelopeAddress.MISSING_MAILBOX, EnvelopeAddress.MISSING_DOMAIN));
            return;
        }
        String mailbox = phrase.length() == 0 ? EnvelopeAddress.MISSING_MAILBOX : phrase.toString().replace(" ", "");
        String host = EnvelopeAddress.MISSING_DOMAIN;
        if (hasDomain) {
            at++;
            host = domain();
        }
        skipSpace();
        addresses.add(new EnvelopeAddress(emptyAsNull(lastComment), null, mailbox, host));
    }

    private static String emptyAsNull(String name) {
        return name == null || name.isEmpty() ? null : name;
    }

    private void readGroup(List<EnvelopeAddress> addresses, String name) {
        addresses.add(EnvelopeAddress.groupStart(name));
        while (skipSpace() < text.length() && text.charAt(at) != ';') {
            if (text.charAt(at) == ',') {
                at++;
                continue;
            }
            int before = at;
            readItem(addresses, false);
            if (at == before) {
                at++;
            }
        }
        if (at < text.length()) {
            at++; // the ';'
        }
        addresses.add(EnvelopeAddress.groupEnd());
    }

    /** {@code "<" [route ":"] addr-spec ">"} (RFC 5322 section 3.4, obs-route of 4.4). */
    private EnvelopeAddress angleAddress(String name) {
        String route = null;
        skipSpace();
        if (at < text.length() && text.charAt(at) == '@') {
            int colon = text.indexOf(':', at);
            int close = text.indexOf('>', at);
            if (colon > 0 && (close < 0 || colon < close)) {
                route = text.substring(at, colon).replaceAll("\\s", "");
                at = colon + 1;
            }
        }
        StringBuilder local = new StringBuilder();
        while (skipSpace() < text.length() && text.charAt(at) != '@' && text.charAt(at) != '>') {
            char c = text.charAt(at);
            if (c == '.') {
                at++;
                local.append('.');
                continue;
            }
            String word = c == '"' ? quoted() : atom();
            if (word == null) {
                at++;
                continue;
            }
            local.append(word);
        }
        String host = EnvelopeAddress.MISSING_DOMAIN;
        if (at < text.length() && text.charAt(at) == '@') {
            at++;
            host = domain();
        }
        skipSpace();
        if (at < text.length() && text.charAt(at) == '>') {
            at++;
        }
        String mailbox = local.isEmpty() ? EnvelopeAddress.MISSING_MAILBOX : local.toString();
        return new EnvelopeAddress(emptyAsNull(name), route, mailbox, host);
    }

    private String domain() {
        StringBuilder domain = new StringBuilder();
        while (skipSpace() < text.length()) {
            char c = text.charAt(at);
            if (c == '.') {
                at++;
                domain.append('.');
            } else if (c == '[') {
                int close = text.indexOf(']', at);
                int end = close < 0 ? text.length() : close + 1;
                domain.append(text, at, end);
                at = end;
            } else {
                String word = atom();
                if (word == null) {
                    break;
                }
                domain.append(word);
            }
        }
        return domain.isEmpty() ? EnvelopeAddress.MISSING_DOMAIN : domain.toString();
    }

    private String atom() {
        int start = at;
        while (at < text.length() && !Character.isWhitespace(text.charAt(at)) && SPECIALS.indexOf(text.charAt(at)) < 0) {
            at++;
        }
        return at == start ? null : text.substring(start, at);
    }

    /**
     * A quoted-string's content with its quoted-pairs undone (RFC 5322 section 3.2.4). One
     * without its closing quote makes the address invalid, as it does in Dovecot.
     */
    private String quoted() {
        StringBuilder word = new StringBuilder();
        at++;
        while (at < text.length() && text.charAt(at) != '"') {
            char c = text.charAt(at++);
            if (c == '\\' && at < text.length()) {
                c = text.charAt(at++);
            }
            word.append(c);
        }
        unterminated |= at >= text.length();
        at++;
        return word.toString();
    }

    /** Skips whitespace and comments, keeping the last comment: a name where none is written. */
    private int skipSpace() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (Character.isWhitespace(c)) {
                at++;
            } else if (c == '(') {
                lastComment = comment();
            } else {
                break;
            }
        }
        return at;
    }

    private String comment() {
        StringBuilder comment = new StringBuilder();
        int depth = 0;
        do {
            char c = text.charAt(at++);
            if (c == '\\' && at < text.length()) {
                comment.append(text.charAt(at++));
                continue;
            }
            if (c == '(') {
                if (depth++ > 0) {
                    comment.append(c);
                }
            } else if (c == ')') {
                if (--depth > 0) {
                    comment.append(c);
                }
            } else {
                comment.append(c);
            }
        } while (at < text.length() && depth > 0);
        return comment.toString();
    }
}
