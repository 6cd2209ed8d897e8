package dev.postillion.queue.outbound;

import java.io.ByteArrayOutputStream;

/**
 * RFC 5321 section 4.5.3.1.6: a line sent over SMTP is at most 998 octets before its CRLF, and a
 * server may refuse or cut a longer one. Longer lines of a message on its way out are broken as
 * Postfix's smtp(8) breaks them (smtp_line_length_limit): a CRLF and a space go in before the
 * octet that would pass the limit, so that a header field stays one field, folded (RFC 5322
 * section 2.2.3), and a body line becomes lines that MIME readers still mostly make sense of.
 * Mail that is DKIM-signed here is broken before it is signed, so that the signature covers what
 * is sent.
 */
public final class LineLengthLimit {

    /** Octets of a line before its CRLF (RFC 5321 section 4.5.3.1.6). */
    public static final int MAX_LINE = 998;
    private static final byte[] FOLD = {'\r', '\n', ' '};

    private LineLengthLimit() {}

    /**
     * @param message the message as spooled: header fields and body, CRLF line endings
     * @return {@code message} itself when no line is over the limit, else a copy with the long
     *     lines broken
     */
    public static byte[] apply(byte[] message) {
        if (longestLine(message) <= MAX_LINE) {
            return message;
        }
        ByteArrayOutputStream broken = new ByteArrayOutputStream(message.length + message.length / MAX_LINE * 3);
        int lineStart = 0;
        for (int i = 0; i <= message.length; i++) {
            if (i == message.length || isCrlf(message, i)) {
                writeLine(broken, message, lineStart, i);
                if (i < message.length) {
                    broken.write('\r');
                    broken.write('\n');
                }
                lineStart = i + 2;
                i++;
            }
        }
        return broken.toByteArray();
    }

    /**
     * One line, without its CRLF, in pieces of at most {@link #MAX_LINE} octets, each after the
     * first starting with the space of the fold. A piece never ends inside a UTF-8 sequence, so
     * that an SMTPUTF8 message stays valid UTF-8.
     */
    private static void writeLine(ByteArrayOutputStream out, byte[] message, int from, int to) {
        int at = from;
        int room = MAX_LINE;
        while (to - at > room) {
            int end = characterStart(message, at, at + room);
            out.write(message, at, end - at);
            out.writeBytes(FOLD);
            at = end;
            room = MAX_LINE - 1;
        }
        out.write(message, at, to - at);
    }

    /** {@code end}, or the start of the UTF-8 sequence it would cut, if that is after {@code from}. */
    private static int characterStart(byte[] message, int from, int end) {
        int start = end;
        while (start > from && end - start < 3 && isContinuation(message[start])) {
            start--;
        }
        return start > from && !isContinuation(message[start]) ? start : end;
    }

    private static boolean isContinuation(byte b) {
        return (b & 0xC0) == 0x80;
    }

    private static boolean isCrlf(byte[] message, int at) {
        return message[at] == '\r' && at + 1 < message.length && message[at + 1] == '\n';
    }

    private static int longestLine(byte[] message) {
        int longest = 0;
        int lineStart = 0;
        for (int i = 0; i < message.length; i++) {
            if (isCrlf(message, i)) {
                longest = Math.max(longest, i - lineStart);
                lineStart = i + 2;
                i++;
            }
        }
        return Math.max(longest, message.length - lineStart);
    }
}
