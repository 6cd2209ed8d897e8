package dev.postillion.mailbox.responder;

import java.util.ArrayList;
import java.util.List;

/**
 * The addresses named by an address-list field such as To or Cc (RFC 5322 section 3.4): mailboxes
 * with or without a display name, groups, comments, quoted strings, and the obsolete forms of
 * section 4.4 (routes, spaces around dots and {@code @}, empty list elements).
 *
 * <p>It is lenient, as a responder reads what others wrote: what cannot be an address is left
 * out, and an unterminated quote, comment or angle bracket ends at the end of the value.
 */
final class AddressList {

    private enum Kind {
        /** Atoms, dot-atoms and domain literals, kept as written. */
        WORD,
        /** A quoted string, its quoted-pairs undone. */
        QUOTED,
        /** One of {@code < > , : ; @}. */
        SPECIAL
    }

    private record Token(Kind kind, String text) {

        boolean is(char special) {
            return kind == Kind.SPECIAL && text.charAt(0) == special;
        }
    }

    /** Characters that end a word: RFC 5322 section 3.2.3 specials, except '.', and white space. */
    private static final String DELIMITERS = "()<>[]:;@,\" \t\r\n";

    private AddressList() {}

    /**
     * The addr-specs of {@code value} in order, as {@code local@domain} with the spelling of the
     * field; a quoted local part loses its quotes when it does not need them (RFC 5322 section
     * 3.4.1 makes {@code "anna"@example.com} and {@code anna@example.com} the same).
     */
    static List<String> parse(String value) {
        List<String> addresses = new ArrayList<>();
        List<Token> tokens = tokenize(value);
        List<Token> pending = new ArrayList<>();
        boolean mailboxDone = false; // an angle-addr was taken; the rest up to ',' or ';' is noise
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (token.is('<')) {
                int close = closingAngle(tokens, i);
                addIfAddress(addresses, withoutRoute(tokens.subList(i + 1, close)));
                i = close;
                pending.clear();
                mailboxDone = true;
            } else if (token.is(',') || token.is(';')) {
                if (!mailboxDone) {
                    addIfAddress(addresses, pending);
                }
                pending.clear();
                mailboxDone = false;
            } else if (token.is(':')) {
                pending.clear(); // what came before was a group's display name
            } else if (!mailboxDone) {
                pending.add(token);
            }
        }
        if (!mailboxDone) {
            addIfAddress(addresses, pending);
        }
        return addresses;
    }

    private static int closingAngle(List<Token> tokens, int open) {
        for (int i = open + 1; i < tokens.size(); i++) {
            if (tokens.get(i).is('>')) {
                return i;
            }
        }
        return tokens.size();
    }

    /** RFC 5322 section 4.4 obs-route: {@code <@relay.example,@other.example:anna@example.com>}. */
    private static List<Token> withoutRoute(List<Token> angle) {
        for (int i = angle.size() - 1; i >= 0; i--) {
            if (angle.get(i).is(':')) {
                return angle.subList(i + 1, angle.size());
            }
        }
        return angle;
    }

    /** Adds the tokens as an address when they have the shape local {@code @} domain. */
    private static void addIfAddress(List<String> addresses, List<Token> tokens) {
        int at = -1;
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).is('@')) {
                at = i;
            }
        }
        if (at <= 0 || at == tokens.size() - 1) {
            return;
        }
        StringBuilder address = new StringBuilder();
        for (Token token : tokens) {
            address.append(token.kind() == Kind.QUOTED ? quoteIfNeeded(token.text()) : token.text());
        }
        addresses.add(address.toString());
    }

    private static String quoteIfNeeded(String content) {
        boolean plain = !content.isEmpty();
        for (int i = 0; i < content.length() && plain; i++) {
            char c = content.charAt(i);
            plain = c > ' ' && c != 127 && DELIMITERS.indexOf(c) < 0 && c != '\\';
        }
        return plain ? content : "\"" + content.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static List<Token> tokenize(String value) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                i++;
            } else if (c == '(') {
                i = skipComment(value, i);
            } else if (c == '"') {
                StringBuilder content = new StringBuilder();
                i = readQuoted(value, i, content);
                tokens.add(new Token(Kind.QUOTED, content.toString()));
            } else if (c == '[') {
                int end = literalEnd(value, i);
                tokens.add(new Token(Kind.WORD, value.substring(i, end)));
                i = end;
            } else if ("<>,:;@".indexOf(c) >= 0) {
                tokens.add(new Token(Kind.SPECIAL, String.valueOf(c)));
                i++;
            } else {
                int end = wordEnd(value, i);
                tokens.add(new Token(Kind.WORD, value.substring(i, end)));
                i = end;
            }
        }
        return tokens;
    }

    /** Skips a comment (RFC 5322 section 3.2.2), which may nest and hold quoted-pairs; returns the index after it. */
    private static int skipComment(String value, int open) {
        int depth = 0;
        for (int i = open; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i + 1;
            }
        }
        return value.length();
    }

    /** Reads a quoted string (RFC 5322 section 3.2.4) into {@code content}; returns the index after it. */
    private static int readQuoted(String value, int open, StringBuilder content) {
        for (int i = open + 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                content.append(value.charAt(++i));
            } else if (c == '"') {
                return i + 1;
            } else {
                content.append(c);
            }
        }
        return value.length();
    }

    /** The index after a domain literal (RFC 5322 section 3.4.1), such as {@code [192.0.2.1]}. */
    private static int literalEnd(String value, int open) {
        for (int i = open + 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == ']') {
                return i + 1;
            }
        }
        return value.length();
    }

    private static int wordEnd(String value, int start) {
        int i = start;
        while (i < value.length() && DELIMITERS.indexOf(value.charAt(i)) < 0) {
            i++;
        }
        return Math.max(i, start + 1); // a stray ')' or ']' is a word of its own rather than a stall
    }
}
