package dev.postillion.mailbox.responder;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The quoted-printable transfer encoding (RFC 2045 section 6.7) of UTF-8 text: a body that any
 * 7-bit transport carries, with lines of at most 76 characters that readers join again.
 */
final class QuotedPrintable {

    /** RFC 2045 section 6.7 rule 5: encoded lines are at most 76 characters, the soft break's '=' included. */
    private static final int WIDTH = 76;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private QuotedPrintable() {}

    /** The encoded body: each line of {@code lines} (which hold no CR or LF) followed by CRLF. */
    static String encode(List<String> lines) {
        StringBuilder body = new StringBuilder();
        lines.forEach(line -> body.append(encodeLine(line)).append("\r\n"));
        return body.toString();
    }

    /**
     * One line of text, with soft line breaks ({@code =} CRLF, rule 5) where it would grow too long;
     * an escape sequence is never split by one.
     */
    static String encodeLine(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        StringBuilder encoded = new StringBuilder(bytes.length + 16);
        int length = 0;
        for (int i = 0; i < bytes.length; i++) {
            String piece = piece(bytes[i] & 0xFF, i == bytes.length - 1);
            if (length + piece.length() > WIDTH - 1) {
                encoded.append("=\r\n");
                length = 0;
            }
            encoded.append(piece);
            length += piece.length();
        }
        return encoded.toString();
    }

    /**
     * Rule 2: printable ASCII but '=' stands for itself. Rule 3: so do space and tab, except at the
     * end of a line, where transports may strip them. Rule 1: everything else is {@code =XX}.
     */
    private static String piece(int octet, boolean lastOfLine) {
        boolean printable = octet >= 33 && octet <= 126 && octet != '=';
        boolean innerSpace = (octet == ' ' || octet == '\t') && !lastOfLine;
        if (printable || innerSpace) {
            return String.valueOf((char) octet);
        }
        return "=" + HEX[octet >> 4] + HEX[octet & 0xF];
    }
}
