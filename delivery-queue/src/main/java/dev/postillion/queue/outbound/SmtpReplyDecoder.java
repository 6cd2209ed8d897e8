package dev.postillion.queue.outbound;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a server's byte stream into {@link SmtpReply replies} on the I/O thread (RFC 5321 section
 * 4.2.1): {@code 250-text} lines continue a reply, a {@code 250 text} line (or a bare code) ends it.
 * A line that does not start with a reply code, or a reply beyond the limits, is an error: the
 * conversation is then broken off, as the stream can no longer be trusted to pair replies with
 * commands.
 */
final class SmtpReplyDecoder extends ByteToMessageDecoder {

    /**
     * RFC 5321 section 4.5.3.1.5 allows 512 octets a reply line; real servers write longer ones
     * (long rejection texts), so the limit is generous, but bounded.
     */
    private static final int MAX_LINE_LENGTH = 8192;

    /** Lines in one reply: enough for any EHLO reply, not an unbounded buffer for a hostile server. */
    private static final int MAX_LINES = 256;

    private final List<String> lines = new ArrayList<>();

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
            if (lf < 0) {
                if (in.readableBytes() > MAX_LINE_LENGTH) {
                    throw new TooLongFrameException("reply line longer than " + MAX_LINE_LENGTH + " octets");
                }
                return;
            }
            int length = lf - in.readerIndex();
            if (length > MAX_LINE_LENGTH) {
                throw new TooLongFrameException("reply line longer than " + MAX_LINE_LENGTH + " octets");
            }
            int end = length > 0 && in.getByte(lf - 1) == '\r' ? length - 1 : length;
            String line = in.toString(in.readerIndex(), end, StandardCharsets.UTF_8);
            in.readerIndex(lf + 1);
            if (readLine(line, out)) {
                // One reply a call: the handler sees each before the next is read, so that on a 220
                // to STARTTLS it can still tell whether plain text follows it (see idle()).
                return;
            }
        }
    }

    /**
     * Whether no byte of a reply has been read beyond the last reply passed on. After the 220 to
     * STARTTLS, anything more is plain text sent before TLS, which a man in the middle may have
     * inserted and which must not be read as the server's words under TLS (RFC 3207 section 4.2:
     * nothing learnt before TLS is kept).
     */
    boolean idle() {
        return lines.isEmpty() && !internalBuffer().isReadable();
    }

    /** @return whether the line ended a reply */
    private boolean readLine(String line, List<Object> out) {
        boolean codeFirst = line.length() >= 3
                && Character.isDigit(line.charAt(0)) && Character.isDigit(line.charAt(1)) && Character.isDigit(line.charAt(2));
        boolean last = line.length() == 3 || (codeFirst && line.charAt(3) == ' ');
        if (!codeFirst || !(last || line.charAt(3) == '-')) {
            throw new CorruptedFrameException("malformed reply line: "
                    + (line.length() > 80 ? line.substring(0, 80) + "..." : line));
        }
        lines.add(line);
        if (lines.size() > MAX_LINES) {
            throw new TooLongFrameException("reply of more than " + MAX_LINES + " lines");
        }
        if (last) {
            out.add(new SmtpReply(Integer.parseInt(line.substring(0, 3)), lines));
            lines.clear();
        }
        return last;
    }
}
