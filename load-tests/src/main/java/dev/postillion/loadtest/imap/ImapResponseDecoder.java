package dev.postillion.loadtest.imap;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Turns what an IMAP server writes into one {@link ImapReply} per exchange: the greeting; each
 * command's tagged completion, with the untagged responses before it counted into it; a
 * continuation request; and, from a continuation request until the next tagged response (an
 * IDLE, RFC 2177), each untagged response on its own, as the server pushes news.
 *
 * <p>Memory stays bounded whatever the server sends: literals ({@code {n}CRLF} then n octets,
 * RFC 3501 §4.3) are counted and skipped as they arrive, and of a line only its first
 * {@value #HEAD} bytes are kept, so that a SEARCH answer listing 100,000 messages is counted, not
 * held.
 */
final class ImapResponseDecoder extends ByteToMessageDecoder {

    /** How much of a response's first line is kept: enough for its tag, status and response code. */
    private static final int HEAD = 1024;

    private final byte[] head = new byte[HEAD];
    private int headLength;
    /** Whether the line being read is its response's first (not one after a literal). */
    private boolean firstLine = true;
    private int spaces;
    /** The digits of a literal's announcement {n} at the end of the line so far, -1 outside one. */
    private long announced = -1;
    private boolean announcementClosed;
    private boolean announcedDigits;
    private long literalLeft;

    private boolean greeted;
    /** From a continuation request to the next tagged response: untagged responses are replies of their own. */
    private boolean pushing;
    private int fetched;
    private long literalBytes;
    private int found;
    private int exists = -1;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            if (literalLeft > 0) {
                int skipped = (int) Math.min(literalLeft, in.readableBytes());
                in.skipBytes(skipped);
                literalLeft -= skipped;
                literalBytes += skipped;
                continue;
            }
            byte next = in.readByte();
            if (next == '\n') {
                endOfLine(out);
            } else if (next != '\r') {
                take(next);
            }
        }
    }

    private void take(byte next) {
        if (firstLine && headLength < HEAD) {
            head[headLength++] = next;
        }
        if (next == ' ') {
            spaces++;
        }
        if (next == '{') {
            announced = 0;
            announcementClosed = false;
            announcedDigits = false;
        } else if (announced >= 0 && !announcementClosed && next >= '0' && next <= '9') {
            announced = announced * 10 + (next - '0');
            announcedDigits = true;
        } else if (announced >= 0 && !announcementClosed && next == '}' && announcedDigits) {
            announcementClosed = true;
        } else {
            announced = -1;
        }
    }

    private void endOfLine(List<Object> out) {
        boolean literal = announced >= 0 && announcementClosed;
        long size = announced;
        announced = -1;
        if (firstLine) {
            countSearchHits();
        }
        spaces = 0;
        if (literal) {
            // the response goes on after the literal's octets
            literalLeft = size;
            firstLine = false;
            return;
        }
        String line = new String(head, 0, headLength, StandardCharsets.UTF_8);
        headLength = 0;
        firstLine = true;
        completed(line, out);
    }

    /** "* SEARCH 2 3 5": as many hits as spaces after the keyword (RFC 3501 §7.2.5). */
    private void countSearchHits() {
        String start = new String(head, 0, Math.min(headLength, 9), StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
        if (start.equals("* SEARCH ") || start.equals("* SEARCH")) {
            found += Math.max(0, spaces - 1);
        }
    }

    private void completed(String line, List<Object> out) {
        if (!greeted) {
            greeted = true;
            out.add(ImapReply.of(line, 0, 0, 0, -1));
            return;
        }
        if (line.startsWith("+")) {
            pushing = true;
            emit(line, out);
            return;
        }
        if (line.startsWith("* ")) {
            count(line);
            if (pushing) {
                emit(line, out);
            }
            return;
        }
        pushing = false;
        emit(line, out);
    }

    /** The untagged data responses a reply counts: "* n EXISTS" and "* n FETCH (...)". */
    private void count(String line) {
        String[] words = line.split(" ", 4);
        if (words.length < 3 || words[1].isEmpty() || !words[1].chars().allMatch(Character::isDigit)) {
            return;
        }
        String keyword = words[2].toUpperCase(Locale.ROOT);
        if (keyword.equals("EXISTS")) {
            exists = Integer.parseInt(words[1]);
        } else if (keyword.equals("FETCH")) {
            fetched++;
        }
    }

    private void emit(String line, List<Object> out) {
        out.add(ImapReply.of(line, fetched, literalBytes, found, exists));
        fetched = 0;
        literalBytes = 0;
        found = 0;
        exists = -1;
    }
}
