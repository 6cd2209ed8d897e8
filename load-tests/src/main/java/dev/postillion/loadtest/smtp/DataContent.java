package dev.postillion.loadtest.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

/**
 * A message in the form DATA sends it (RFC 5321 §4.1.1.4, §4.5.2): every line ends in CRLF, a
 * line that starts with a period gets a second one, and the content ends with a line holding a
 * single period.
 */
final class DataContent {

    private DataContent() {}

    /**
     * Bare LF and bare CR become CRLF (RFC 5321 §2.3.8 forbids them alone), a leading "." is
     * doubled (§4.5.2) and the terminating ".CRLF" follows a final line break.
     */
    static ByteBuf of(CharSequence message, ByteBufAllocator allocator) {
        return ByteBufUtil.writeUtf8(allocator, transparent(message));
    }

    private static String transparent(CharSequence message) {
        StringBuilder data = new StringBuilder(message.length() + message.length() / 64 + 8);
        boolean lineStart = true;
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (c == '\r' || c == '\n') {
                if (c == '\r' && i + 1 < message.length() && message.charAt(i + 1) == '\n') {
                    i++;
                }
                data.append("\r\n");
                lineStart = true;
                continue;
            }
            if (lineStart && c == '.') {
                data.append('.');
            }
            data.append(c);
            lineStart = false;
        }
        if (!lineStart) {
            data.append("\r\n");
        }
        return data.append(".\r\n").toString();
    }
}
