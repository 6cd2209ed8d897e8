package dev.postillion.queue.outbound;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Message content as it goes after DATA (RFC 5321 section 4.5.2): a line that starts with a dot
 * gets one more, and a line holding a single dot ends the content. The content is not copied: the
 * result is made of slices of it with the added dots between them.
 */
final class DotStuffing {

    private static final byte[] DOT = {'.'};
    private static final byte[] END = {'.', '\r', '\n'};
    private static final byte[] CRLF_END = {'\r', '\n', '.', '\r', '\n'};

    private DotStuffing() {}

    /**
     * @param content CRLF-normalised, as the spool holds it. A dot is added after every LF, not only
     *     after CRLF: should a bare LF ever get through, no receiver that takes it for a line end
     *     can then see an early end of the content in it.
     */
    static ByteBuf stuffed(byte[] content) {
        ByteBuf whole = Unpooled.wrappedBuffer(content);
        CompositeByteBuf out = Unpooled.compositeBuffer(Integer.MAX_VALUE);
        int copiedUpTo = 0;
        for (int lineStart = 0; lineStart < content.length; ) {
            if (content[lineStart] == '.') {
                addSlice(out, whole, copiedUpTo, lineStart);
                out.addComponent(true, Unpooled.wrappedBuffer(DOT));
                copiedUpTo = lineStart;
            }
            int lf = whole.indexOf(lineStart, content.length, (byte) '\n');
            lineStart = lf < 0 ? content.length : lf + 1;
        }
        addSlice(out, whole, copiedUpTo, content.length);
        whole.release();
        boolean endsWithLineBreak = content.length == 0 || content[content.length - 1] == '\n';
        out.addComponent(true, Unpooled.wrappedBuffer(endsWithLineBreak ? END : CRLF_END));
        return out;
    }

    private static void addSlice(CompositeByteBuf out, ByteBuf whole, int from, int to) {
        if (to > from) {
            out.addComponent(true, whole.retainedSlice(from, to - from));
        }
    }
}
