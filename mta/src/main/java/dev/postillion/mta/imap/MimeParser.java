package dev.postillion.mta.imap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts a stored message into its MIME tree (RFC 2046 section 5.1.1), the way Dovecot cuts it, so a
 * client sees the same structure from either server:
 * <ul>
 *   <li>a boundary line is one that begins with {@code "--" boundary}; what follows on the line
 *       is not checked; the line break before it belongs to it;
 *   <li>the message is read front to back with the boundaries of all open multiparts in force:
 *       a line that begins with more than one is taken for the longest, and for the innermost
 *       of equally long ones, so a multipart nested in another with the same boundary takes the
 *       delimiter lines as its own; an outer boundary ends the inner parts it cuts short;
 *   <li>a part with no closing delimiter runs to the next boundary of an outer multipart, or to
 *       the end of the message; a multipart in which no part is found has one part, empty and
 *       text/plain;
 *   <li>nesting deeper than {@value #MAX_DEPTH} levels is read as text/plain.
 * </ul>
 * Mime4j's MimeTokenStream cuts messages by the RFC instead, checking what follows a delimiter,
 * and gives no byte offsets of parts; this reader uses Mime4j for the header values only
 * (ParameterizedValue). Nothing here throws on malformed input: what is not MIME is read as text.
 */
final class MimeParser {

    /** Deeper entities are read as text/plain: bounds the recursion on hostile nesting. */
    static final int MAX_DEPTH = 50;

    private static final ParameterizedValue TEXT_PLAIN = ParameterizedValue.parse("text/plain");
    private static final ParameterizedValue MESSAGE_RFC822 = ParameterizedValue.parse("message/rfc822");

    private final byte[] message;
    /** The delimiters ("--" boundary) of the multiparts open at this point, outermost first. */
    private final List<byte[]> delimiters = new ArrayList<>();
    /** Where the line that ended the entity read last starts: a boundary line, or the end. */
    private int stop;

    private MimeParser(byte[] message) {
        this.message = message;
    }

    /** The top-level message's tree. */
    static MimePart parse(byte[] message) {
        return new MimeParser(message).entity(0, TEXT_PLAIN, 0, false);
    }

    /**
     * Reads the entity at {@code start}, up to the next boundary line of an open multipart (where
     * {@link #stop} is left) or the end. Without a Content-Type it is {@code defaultType}: text/plain,
     * or message/rfc822 inside a multipart/digest (RFC 2046 section 5.1.5).
     */
    private MimePart entity(int start, ParameterizedValue defaultType, int depth, boolean inMultipart) {
        int boundaryLine = nextBoundaryLine(start);
        int limit = beforeLineBreak(start, boundaryLine);
        MessageHeader read = MessageHeader.read(message, start, boundaryLine);
        // the header's octets end where the entity's do, before the boundary's line break
        MessageHeader header = read.endingBy(limit);
        int end = Math.max(limit, header.end());
        String written = header.first("Content-Type");
        ParameterizedValue type = written == null ? defaultType : ParameterizedValue.contentType(written);
        boolean mime = inMultipart || written != null || header.first("MIME-Version") != null;
        String media = type.value();
        stop = boundaryLine;
        if (depth >= MAX_DEPTH && (isMultipart(media) || isMessage(media))) {
            return new MimePart(message, header, end, TEXT_PLAIN, mime, List.of(), null);
        }
        if (isMessage(media)) {
            MimePart enclosed = entity(Math.min(header.end(), boundaryLine), TEXT_PLAIN, depth + 1, false);
            return new MimePart(message, header, Math.max(end, enclosed.bodyEnd()), type, mime, List.of(), enclosed);
        }
        if (isMultipart(media)) {
            return multipart(read, type, mime, depth, boundaryLine);
        }
        return new MimePart(message, header, end, type, mime, List.of(), null);
    }

    /** A multipart's parts, between its delimiter lines (RFC 2046 section 5.1.1). */
    private MimePart multipart(MessageHeader header, ParameterizedValue type, boolean mime, int depth, int outerLine) {
        String boundary = type.parameter("boundary");
        List<MimePart> parts = new ArrayList<>();
        int line = outerLine;
        int epilogue = header.start();
        if (boundary != null && !boundary.isEmpty() && header.end() <= outerLine) {
            byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.UTF_8);
            delimiters.add(delimiter);
            int own = delimiters.size() - 1;
            ParameterizedValue childDefault = type.value().equalsIgnoreCase("multipart/digest") ? MESSAGE_RFC822 : TEXT_PLAIN;
            line = nextBoundaryLine(header.end());
            while (line < message.length && delimiterAt(line) == own && !closes(line, delimiter)) {
                parts.add(entity(lineEnd(line), childDefault, depth + 1, true));
                line = stop;
            }
            boolean closed = line < message.length && delimiterAt(line) == own;
            delimiters.remove(own);
            if (closed) {
                // the epilogue runs from after the close-delimiter line to an outer boundary line
                epilogue = lineEnd(line);
                line = nextBoundaryLine(epilogue);
            }
        }
        stop = line;
        // where the multipart ends: before the line break of the boundary line after it, which may
        // cut even its own header short (see MessageHeader.read)
        int contentEnd = beforeLineBreak(epilogue, line);
        int end = Math.max(contentEnd, header.end());
        if (parts.isEmpty()) {
            parts.add(new MimePart(message, MessageHeader.empty(message, end), end, TEXT_PLAIN, true, List.of(), null));
        }
        int partsEnd = parts.get(parts.size() - 1).bodyEnd();
        return new MimePart(message, header.endingBy(contentEnd), Math.max(end, partsEnd), type, mime, List.copyOf(parts), null);
    }

    /** The start of the first line at or after {@code from} that is a boundary line, or the end. */
    private int nextBoundaryLine(int from) {
        int at = from;
        while (at < message.length) {
            if (delimiterAt(at) >= 0) {
                return at;
            }
            at = lineEnd(at);
        }
        return message.length;
    }

    /**
     * The index of the open delimiter that the line at {@code at} is taken for, or -1: of those it
     * begins with, the longest, and of equally long ones the innermost (as Dovecot takes it, so a
     * boundary that is a prefix of another does not steal the other's lines).
     */
    private int delimiterAt(int at) {
        int best = -1;
        for (int i = delimiters.size() - 1; i >= 0; i--) {
            byte[] delimiter = delimiters.get(i);
            boolean begins = message.length - at >= delimiter.length
                    && Arrays.equals(message, at, at + delimiter.length, delimiter, 0, delimiter.length);
            if (begins && (best < 0 || delimiters.get(best).length < delimiter.length)) {
                best = i;
            }
        }
        return best;
    }

    /** Whether the delimiter line at {@code at} is the close-delimiter ({@code "--" boundary "--"}). */
    private boolean closes(int at, byte[] delimiter) {
        int after = at + delimiter.length;
        return after + 1 < message.length && message[after] == '-' && message[after + 1] == '-';
    }

    /**
     * Where what comes before the boundary line at {@code line} ends: the line break before a
     * boundary line belongs to the boundary (RFC 2046 section 5.1.1). At the end of the message
     * there is no boundary, and nothing is taken off.
     */
    private int beforeLineBreak(int from, int line) {
        if (line >= message.length) {
            return line;
        }
        int end = line;
        if (end > from && message[end - 1] == '\n') {
            end--;
            if (end > from && message[end - 1] == '\r') {
                end--;
            }
        }
        return end;
    }

    private int lineEnd(int at) {
        while (at < message.length && message[at] != '\n') {
            at++;
        }
        return at < message.length ? at + 1 : message.length;
    }

    private static boolean isMultipart(String media) {
        return media.regionMatches(true, 0, "multipart/", 0, "multipart/".length());
    }

    private static boolean isMessage(String media) {
        return media.equalsIgnoreCase("message/rfc822");
    }
}
