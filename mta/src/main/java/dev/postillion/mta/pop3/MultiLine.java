package dev.postillion.mta.pop3;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A multi-line response (RFC 1939 section 3): the status line, lines whose leading "." is
 * doubled, and a line of a single "." at the end.
 */
final class MultiLine {

    private static final byte[] CRLF = {'\r', '\n'};

    private final ByteArrayOutputStream out;

    MultiLine(String status) {
        this(status, 256);
    }

    private MultiLine(String status, int capacity) {
        out = new ByteArrayOutputStream(capacity);
        out.writeBytes(Pop3Session.line("+OK " + status));
    }

    MultiLine line(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(bytes, 0, bytes.length);
        return this;
    }

    byte[] end() {
        out.writeBytes(".\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /**
     * RETR's and TOP's response: {@code content} line by line (a bare LF ends a line too, and is
     * sent as CRLF), all of it, or with {@code bodyLines} at 0 or more only the header, the empty
     * line after it and that many lines of the body (RFC 1939 section 7).
     */
    static byte[] message(String status, byte[] content, long bodyLines) {
        MultiLine response = new MultiLine(status, content.length + content.length / 32 + 64);
        boolean inBody = false;
        long bodySent = 0;
        int start = 0;
        while (start < content.length && (!inBody || bodyLines < 0 || bodySent < bodyLines)) {
            int end = lineEnd(content, start);
            int length = end - start;
            if (length > 0 && end < content.length && content[end - 1] == '\r') {
                length--;
            }
            response.write(content, start, length);
            if (inBody) {
                bodySent++;
            } else if (length == 0) {
                inBody = true;
            }
            start = end + 1;
        }
        return response.end();
    }

    /** The index of the LF ending the line from {@code start}, or the content's length. */
    private static int lineEnd(byte[] content, int start) {
        for (int i = start; i < content.length; i++) {
            if (content[i] == '\n') {
                return i;
            }
        }
        return content.length;
    }

    /** One line, its leading "." doubled (RFC 1939 section 3's byte-stuffing), and CRLF. */
    private void write(byte[] bytes, int offset, int length) {
        if (length > 0 && bytes[offset] == '.') {
            out.write('.');
        }
        out.write(bytes, offset, length);
        out.writeBytes(CRLF);
    }
}
