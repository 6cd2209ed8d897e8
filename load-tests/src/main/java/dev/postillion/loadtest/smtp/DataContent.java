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

    private static final short CRLF = ('\r' << 8) | '\n';
    private static final byte[] END = {'.', '\r', '\n'};

    private DataContent() {}

    /**
     * Bare LF and bare CR become CRLF (RFC 5321 §2.3.8 forbids them alone), a leading "." is
     * doubled (§4.5.2) and the terminating ".CRLF" follows a final line break. Written line by line
     * straight into the buffer, in UTF-8: a load generator does this for every message it sends.
     */
    static ByteBuf of(CharSequence message, ByteBufAllocator allocator) {
        String text = message.toString();
        int length = text.length();
        ByteBuf data = allocator.buffer(length + length / 32 + END.length);
        int lineStart = 0;
        int nextCr = text.indexOf('\r');
        int nextLf = text.indexOf('\n');
        while (lineStart < length) {
            if (nextCr >= 0 && nextCr < lineStart) {
                nextCr = text.indexOf('\r', lineStart);
            }
            if (nextLf >= 0 && nextLf < lineStart) {
                nextLf = text.indexOf('\n', lineStart);
            }
            int lineEnd = lineEnd(nextCr, nextLf, length);
            if (text.charAt(lineStart) == '.') {
                data.writeByte('.');
            }
            ByteBufUtil.reserveAndWriteUtf8(data, text, lineStart, lineEnd, ByteBufUtil.utf8MaxBytes(lineEnd - lineStart));
            data.writeShort(CRLF);
            boolean crlf = lineEnd == nextCr && nextLf == lineEnd + 1;
            lineStart = lineEnd + (crlf ? 2 : 1);
        }
        return data.writeBytes(END);
    }

    /** Where the line ends: at the first CR or LF still ahead, or at the end of the message. */
    private static int lineEnd(int nextCr, int nextLf, int length) {
        if (nextCr < 0) {
            return nextLf < 0 ? length : nextLf;
        }
        return nextLf < 0 ? nextCr : Math.min(nextCr, nextLf);
    }
}
