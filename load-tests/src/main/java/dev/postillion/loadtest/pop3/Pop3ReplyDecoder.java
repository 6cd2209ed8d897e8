package dev.postillion.loadtest.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Turns what a POP3 server writes into {@link Pop3Reply}s. Whether a positive reply goes on with
 * lines up to a "." (RFC 1939 §3) depends on the command, so the client says what it expects of
 * each command's reply before writing it; the greeting, which nobody asked for, is one line.
 *
 * <p>Memory stays bounded whatever the server sends: of the first line only {@value #HEAD} bytes
 * are kept, and a message's content is counted as it arrives, never held.
 */
final class Pop3ReplyDecoder extends ByteToMessageDecoder {

    private static final int HEAD = 1024;

    private final ArrayDeque<Boolean> multiLine = new ArrayDeque<>();
    private final byte[] head = new byte[HEAD];
    private int headLength;
    /** The first line of a positive multi-line reply whose content is being read, else null. */
    private String opened;
    private boolean lineStart = true;
    private boolean leadingDot;
    private long lineOctets;
    private int lines;
    private long octets;

    /** The reply to the command about to be written goes on with lines if positive. */
    void expect(boolean multiLineIfPositive) {
        multiLine.add(multiLineIfPositive);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            byte next = in.readByte();
            if (opened == null) {
                firstLine(next, out);
            } else {
                content(next, out);
            }
        }
    }

    private void firstLine(byte next, List<Object> out) {
        if (next == '\n') {
            String line = new String(head, 0, headLength, StandardCharsets.UTF_8);
            headLength = 0;
            if (Boolean.TRUE.equals(multiLine.poll()) && line.startsWith("+OK")) {
                opened = line;
            } else {
                out.add(Pop3Reply.of(line, 0, 0));
            }
        } else if (next != '\r' && headLength < HEAD) {
            head[headLength++] = next;
        }
    }

    /** RFC 1939 §3: a line of content that starts with "." has it doubled; "." alone ends the content. */
    private void content(byte next, List<Object> out) {
        if (next == '\r') {
            return;
        }
        if (next == '\n') {
            if (leadingDot && lineOctets == 0) {
                out.add(Pop3Reply.of(opened, lines, octets));
                opened = null;
                lines = 0;
                octets = 0;
            } else {
                lines++;
                octets += lineOctets + 2;
            }
            lineStart = true;
            leadingDot = false;
            lineOctets = 0;
        } else if (lineStart && next == '.') {
            leadingDot = true;
            lineStart = false;
        } else {
            lineStart = false;
            lineOctets++;
        }
    }
}
