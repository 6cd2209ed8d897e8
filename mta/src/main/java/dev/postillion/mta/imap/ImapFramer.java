package dev.postillion.mta.imap;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Cuts a client's input into whole IMAP commands (RFC 9051 section 2.2): a command is lines, each
 * but the last ending in a literal's announcement {@code {n}} or, with LITERAL+ (RFC 7888),
 * {@code {n+}}, followed by the literal's n octets; {@code ~{n}} announces a literal8 (RFC 3516).
 * A command is handed on whole, its literals inline as on the wire, for {@link CommandReader} to
 * read. A synchronizing literal is accepted with a continuation request, or refused before the
 * client sends it.
 */
final class ImapFramer {

    /** What the input held. */
    sealed interface Result {}

    /** Not a whole command yet: read more. */
    record NeedMore() implements Result {}

    /** A whole command, its final CRLF removed. */
    record Command(byte[] bytes) implements Result {}

    /**
     * A literal of {@code size} octets is announced. A synchronizing one comes only once the
     * client is sent "+"; a non-synchronizing one (LITERAL+) comes anyway.
     */
    record LiteralAnnounced(long size, boolean synchronizing) implements Result {}

    /**
     * The command cannot be taken: {@code tag} is its tag, as far as it could be read. When
     * {@code close}, the input can no longer be followed (a line too long, a non-synchronizing
     * literal too large), and the connection ends after the answer.
     */
    record Refused(String tag, String response, boolean close) implements Result {}

    private static final int NEED_MORE = -1;
    /**
     * The largest non-synchronizing literal always taken, whatever the limit on literals (RFC 7888
     * section 4, LITERAL-, which RFC 9051 section 4.3 makes part of IMAP4rev2).
     */
    static final int LITERAL_MINUS = 4096;

    private final int maxLineLength;
    private long maxLiteral;
    /** The command read so far: {@code size} octets of {@code bytes}. */
    private byte[] bytes = new byte[256];
    private int size;
    private long literalLeft;
    private int lineStart;

    ImapFramer(int maxLineLength, long maxLiteral) {
        this.maxLineLength = maxLineLength;
        this.maxLiteral = maxLiteral;
    }

    /** The largest literal taken from now on (larger once logged in). */
    void maxLiteral(long bytes) {
        maxLiteral = bytes;
    }

    /** Takes what {@code in} holds of the next command, up to its end. */
    Result next(ByteBuf in) {
        while (true) {
            if (literalLeft > 0) {
                int take = (int) Math.min(literalLeft, in.readableBytes());
                append(in, take);
                literalLeft -= take;
                if (literalLeft > 0) {
                    return new NeedMore();
                }
                lineStart = size;
            }
            int end = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
            if (end < 0) {
                if (size - lineStart + in.readableBytes() <= maxLineLength) {
                    return new NeedMore();
                }
                keepTag(in);
                return refuse("BAD the command line is too long", true);
            }
            int length = end - in.readerIndex();
            if (size - lineStart + length > maxLineLength) {
                keepTag(in);
                return refuse("BAD the command line is too long", true);
            }
            append(in, length);
            in.skipBytes(1);
            int lineEnd = size > lineStart && bytes[size - 1] == '\r' ? size - 1 : size;
            long literal = literalAnnounced(lineStart, lineEnd);
            if (literal == NEED_MORE) {
                return whole(lineEnd);
            }
            boolean synchronizing = bytes[lineEnd - 2] != '+';
            if (literal > maxLiteral && (synchronizing || literal > LITERAL_MINUS)) {
                return refuse("NO [TOOBIG] a literal may hold at most " + maxLiteral + " octets", !synchronizing);
            }
            size = lineEnd;
            append(CRLF);
            literalLeft = literal;
            lineStart = size;
            if (literal > 0) {
                return new LiteralAnnounced(literal, synchronizing);
            }
        }
    }

    /** Takes the start of a line that will not be read, for its tag; the rest stays unread. */
    private void keepTag(ByteBuf in) {
        if (size == 0) {
            append(in, Math.min(in.readableBytes(), 64));
        }
    }

    private Result whole(int lineEnd) {
        byte[] whole = Arrays.copyOf(bytes, lineEnd);
        reset();
        return new Command(whole);
    }

    private Result refuse(String response, boolean close) {
        String tag = tag();
        reset();
        return new Refused(tag, response, close);
    }

    private void reset() {
        bytes = new byte[256];
        size = 0;
        literalLeft = 0;
        lineStart = 0;
    }

    /** The tag of the command being read, or "*" if it has none (RFC 9051 section 7.1.5). */
    private String tag() {
        int end = 0;
        while (end < size && end < 64 && bytes[end] > ' ' && bytes[end] < 0x7F && bytes[end] != '{') {
            end++;
        }
        return end == 0 ? "*" : new String(bytes, 0, end, StandardCharsets.US_ASCII);
    }

    /** The octet count of a literal the line ends by announcing, or {@link #NEED_MORE} if none. */
    private long literalAnnounced(int from, int to) {
        if (to - from < 3 || bytes[to - 1] != '}') {
            return NEED_MORE;
        }
        int digitsEnd = bytes[to - 2] == '+' ? to - 2 : to - 1;
        int open = digitsEnd - 1;
        while (open > from && bytes[open] >= '0' && bytes[open] <= '9') {
            open--;
        }
        if (bytes[open] != '{' || open == digitsEnd - 1 || digitsEnd - open > 19) {
            return NEED_MORE;
        }
        return Long.parseLong(new String(bytes, open + 1, digitsEnd - open - 1, StandardCharsets.US_ASCII));
    }

    private static final byte[] CRLF = {'\r', '\n'};

    private void append(ByteBuf in, int length) {
        ensure(length);
        in.readBytes(bytes, size, length);
        size += length;
    }

    private void append(byte[] more) {
        ensure(more.length);
        System.arraycopy(more, 0, bytes, size, more.length);
        size += more.length;
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(size + more, bytes.length * 2));
        }
    }
}
