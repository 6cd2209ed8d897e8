package dev.postillion.mta.imap;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes values into an IMAP response as the strings of RFC 9051 section 4.3 (and RFC 3501
 * section 4.3). Output is bytes, not text, because a literal carries raw octets.
 *
 * <p>A value goes out quoted when a quoted string can carry it: without CR, LF, NUL or 8-bit
 * octets, which RFC 9051's {@code QUOTED-CHAR} excludes. Anything else goes out as a literal
 * {@code {n}CRLF} followed by the value's UTF-8 octets. Length alone never makes a literal:
 * Dovecot quotes a 1100-octet Date too, and answers are compared with its byte for byte.
 */
final class ImapStrings {

    private ImapStrings() {}

    /** {@code nstring} (RFC 9051 section 4.5): NIL for an absent value. */
    static void nstring(ByteArrayOutputStream out, String value) {
        if (value == null) {
            ascii(out, "NIL");
        } else {
            string(out, value);
        }
    }

    /** {@code string}: quoted when it can be, a literal otherwise. */
    static void string(ByteArrayOutputStream out, String value) {
        string(out, value, false);
    }

    /**
     * {@code string} for an IMAP4rev2 client, whose quoted strings may hold UTF-8 (RFC 9051
     * section 9, {@code QUOTED-CHAR}) when {@code utf8}.
     */
    static void string(ByteArrayOutputStream out, String value, boolean utf8) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (quotable(bytes, utf8)) {
            quoted(out, bytes);
        } else {
            literal(out, bytes);
        }
    }

    /** {@code astring}: a bare atom when every character is an ASTRING-CHAR, a string otherwise. */
    static void astring(ByteArrayOutputStream out, String value) {
        if (!value.isEmpty() && value.chars().allMatch(ImapStrings::isAstringChar)) {
            ascii(out, value);
        } else {
            string(out, value);
        }
    }

    /** A literal (RFC 9051 section 4.3): the octet count in braces, CRLF, then the octets as is. */
    static void literal(ByteArrayOutputStream out, byte[] bytes) {
        ascii(out, "{" + bytes.length + "}\r\n");
        out.writeBytes(bytes);
    }

    /**
     * Text meant for people (the subject and the display names of ENVELOPE), written as Dovecot
     * writes it so clients see the same thing from either server: runs of whitespace, CR and LF
     * become one space, and leading and trailing whitespace goes. A value that needed any such
     * change, or holds a quote, a backslash, a NUL or an 8-bit octet, goes out as a literal
     * rather than an escaped quoted string; Dovecot does this and RFC 9051 allows either.
     */
    static void humanText(ByteArrayOutputStream out, String value) {
        String collapsed = collapseWhitespace(value);
        boolean plain = collapsed.equals(value)
                && collapsed.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"' && c != '\\');
        if (collapsed.isEmpty()) {
            ascii(out, "\"\"");
        } else if (plain) {
            ascii(out, "\"" + collapsed + "\"");
        } else {
            literal(out, collapsed.getBytes(StandardCharsets.UTF_8));
        }
    }

    static void ascii(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static String collapseWhitespace(String value) {
        StringBuilder text = new StringBuilder(value.length());
        boolean space = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                space = true;
            } else {
                if (space && text.length() > 0) {
                    text.append(' ');
                }
                space = false;
                text.append(c);
            }
        }
        return text.toString();
    }

    private static boolean quotable(byte[] bytes, boolean utf8) {
        for (byte b : bytes) {
            if (b == '\r' || b == '\n' || b == 0 || (b < 0 && !utf8)) {
                return false;
            }
        }
        return true;
    }

    private static void quoted(ByteArrayOutputStream out, byte[] bytes) {
        out.write('"');
        for (byte b : bytes) {
            if (b == '"' || b == '\\') {
                out.write('\\');
            }
            out.write(b);
        }
        out.write('"');
    }

    /** ASTRING-CHAR (RFC 9051 section 9): ATOM-CHAR or ']'. */
    private static boolean isAstringChar(int c) {
        return c > 0x20 && c < 0x7f && "(){%*\"\\".indexOf(c) < 0;
    }
}
