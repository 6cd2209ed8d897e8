package dev.postillion.loadtest.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Frames the server's bytes into {@link SmtpReply}s: lines "250-..." continue a reply and the
 * line "250 ..." ends it (RFC 5321 §4.2.1).
 */
final class SmtpReplyDecoder extends ByteToMessageDecoder {

    // RFC 5321 §4.5.3.1.5 allows 512 octets a reply line; servers' texts can run longer
    private static final int MAX_LINE = 8192;

    private final List<String> lines = new ArrayList<>();
    private int code = -1;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int lineFeed;
        while ((lineFeed = in.forEachByte(ByteProcessor.FIND_LF)) >= 0) {
            int length = lineFeed - in.readerIndex();
            if (length > 0 && in.getByte(lineFeed - 1) == '\r') {
                length--;
            }
            String line = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
            in.readerIndex(lineFeed + 1);
            SmtpReply complete = add(line);
            if (complete != null) {
                out.add(complete);
            }
        }
        if (in.readableBytes() > MAX_LINE) {
            throw new TooLongFrameException("reply line longer than " + MAX_LINE + " bytes");
        }
    }

    private SmtpReply add(String line) {
        int lineCode = codeOf(line);
        if (code >= 0 && lineCode != code) {
            throw new CorruptedFrameException("reply line with another code in a multiline reply: " + line);
        }
        code = lineCode;
        lines.add(line.length() > 4 ? line.substring(4) : "");
        if (line.length() > 3 && line.charAt(3) == '-') {
            return null;
        }
        SmtpReply reply = SmtpReply.of(code, lines);
        lines.clear();
        code = -1;
        return reply;
    }

    private static int codeOf(String line) {
        boolean wellFormed = line.length() >= 3
                && line.charAt(0) >= '2' && line.charAt(0) <= '5'
                && Character.isDigit(line.charAt(1)) && Character.isDigit(line.charAt(2))
                && (line.length() == 3 || line.charAt(3) == ' ' || line.charAt(3) == '-');
        if (!wellFormed) {
            throw new CorruptedFrameException("not an SMTP reply line: " + line);
        }
        return Integer.parseInt(line, 0, 3, 10);
    }
}
