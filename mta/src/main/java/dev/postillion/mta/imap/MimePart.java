package dev.postillion.mta.imap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One entity of the MIME tree of a stored message (RFC 2045, RFC 2046): its header, where its body
 * lies in the stored octets, and its children: the parts of a multipart, or the message that a
 * message/rfc822 part encloses. The top-level message is a part too.
 *
 * <p>The tree is cut the way Dovecot cuts it, so that a client sees the same structure from either
 * server: a boundary is a line that begins with {@code "--" boundary} (RFC 2046 section 5.1.1; what
 * follows on the line is not checked); the CRLF before a boundary line belongs to the boundary;
 * a part with no closing boundary runs to the end of its parent; and a multipart in which no
 * boundary is found still has one part, empty and text/plain. Nothing here throws on malformed
 * input: whatever cannot be read as MIME is read as text.
 */
final class MimePart {

    /** Deeper entities are read as text/plain: bounds the recursion on hostile nesting. */
    static final int MAX_DEPTH = 50;

    private static final ParameterizedValue TEXT_PLAIN = ParameterizedValue.parse("text/plain");
    private static final ParameterizedValue MESSAGE_RFC822 = ParameterizedValue.parse("message/rfc822");

    private final byte[] message;
    private final MessageHeader header;
    private final int bodyEnd;
    private final ParameterizedValue contentType;
    private final boolean mime;
    private final List<MimePart> parts;
    private final MimePart enclosed;

    private MimePart(byte[] message, MessageHeader header, int bodyEnd, ParameterizedValue contentType,
            boolean mime, List<MimePart> parts, MimePart enclosed) {
        this.message = message;
        this.header = header;
        this.bodyEnd = bodyEnd;
        this.contentType = contentType;
        this.mime = mime;
        this.parts = parts;
        this.enclosed = enclosed;
    }

    /** The top-level message in {@code message}. */
    static MimePart message(byte[] message) {
        return read(message, 0, message.length, message.length, TEXT_PLAIN, 0, false);
    }

    /**
     * Reads the entity in {@code [start, end)}. Without a Content-Type it is {@code defaultType}:
     * text/plain, or message/rfc822 inside a multipart/digest (RFC 2046 section 5.1.5).
     * {@code extendTo} is where the boundary line after it starts: an entity whose header runs
     * into that boundary ends there, after the line break (see MessageHeader.read).
     */
    private static MimePart read(byte[] message, int start, int limit, int extendTo, ParameterizedValue defaultType,
            int depth, boolean inMultipart) {
        MessageHeader header = MessageHeader.read(message, start, limit, extendTo);
        int end = Math.max(limit, header.end());
        String written = header.value("Content-Type");
        boolean mime = inMultipart || written != null || header.value("MIME-Version") != null;
        ParameterizedValue type = written == null ? defaultType : ParameterizedValue.parse(written);
        String media = type.value();
        if (depth >= MAX_DEPTH && (isMultipart(media) || isMessage(media))) {
            return new MimePart(message, header, end, TEXT_PLAIN, mime, List.of(), null);
        }
        if (isMultipart(media)) {
            List<MimePart> parts = readParts(message, header.end(), end, extendTo, type, depth);
            int partsEnd = parts.get(parts.size() - 1).bodyEnd;
            return new MimePart(message, header, Math.max(end, partsEnd), type, mime, parts, null);
        }
        if (isMessage(media)) {
            MimePart enclosed = read(message, header.end(), end, Math.max(end, extendTo), TEXT_PLAIN, depth + 1, false);
            return new MimePart(message, header, enclosed.bodyEnd, type, mime, List.of(), enclosed);
        }
        return new MimePart(message, header, end, type, mime, List.of(), null);
    }

    /** The parts of a multipart whose body is {@code [start, end)} (RFC 2046 section 5.1.1). */
    private static List<MimePart> readParts(byte[] message, int start, int end, int extendTo, ParameterizedValue type,
            int depth) {
        String boundary = type.parameter("boundary");
        List<MimePart> parts = new ArrayList<>();
        ParameterizedValue childDefault = type.value().equalsIgnoreCase("multipart/digest") ? MESSAGE_RFC822 : TEXT_PLAIN;
        int line = boundary == null || boundary.isEmpty() ? -1 : nextBoundary(message, start, end, boundary);
        while (line >= 0) {
            int delimiterEnd = line + 2 + boundary.getBytes(StandardCharsets.UTF_8).length;
            if (startsWith(message, delimiterEnd, end, "--")) {
                break; // the close-delimiter: what follows is the epilogue
            }
            int partStart = lineEnd(message, delimiterEnd, end);
            int next = nextBoundary(message, partStart, end, boundary);
            int partEnd = next < 0 ? end : beforeLineBreak(message, partStart, next);
            parts.add(read(message, partStart, partEnd, next < 0 ? extendTo : next, childDefault, depth + 1, true));
            line = next;
        }
        if (parts.isEmpty()) {
            parts.add(new MimePart(message, MessageHeader.empty(message, end), end, TEXT_PLAIN, true, List.of(), null));
        }
        return List.copyOf(parts);
    }

    /** The start of the first line in {@code [from, end)} that begins with "--" boundary, or -1. */
    private static int nextBoundary(byte[] message, int from, int end, String boundary) {
        String delimiter = "--" + boundary;
        int at = from;
        while (at < end) {
            if (startsWith(message, at, end, delimiter)) {
                return at;
            }
            at = lineEnd(message, at, end);
        }
        return -1;
    }

    /** The CRLF (or lone LF) that precedes a boundary line is part of the boundary (RFC 2046 5.1.1). */
    private static int beforeLineBreak(byte[] message, int partStart, int line) {
        int end = line;
        if (end > partStart && message[end - 1] == '\n') {
            end--;
            if (end > partStart && message[end - 1] == '\r') {
                end--;
            }
        }
        return end;
    }

    private static boolean startsWith(byte[] message, int at, int end, String prefix) {
        byte[] bytes = prefix.getBytes(StandardCharsets.UTF_8);
        if (end - at < bytes.length) {
            return false;
        }
        return Arrays.equals(message, at, at + bytes.length, bytes, 0, bytes.length);
    }

    private static int lineEnd(byte[] message, int at, int end) {
        while (at < end && message[at] != '\n') {
            at++;
        }
        return at < end ? at + 1 : end;
    }

    private static boolean isMultipart(String media) {
        return media.regionMatches(true, 0, "multipart/", 0, "multipart/".length());
    }

    private static boolean isMessage(String media) {
        return media.equalsIgnoreCase("message/rfc822");
    }

    MessageHeader header() {
        return header;
    }

    ParameterizedValue contentType() {
        return contentType;
    }

    /**
     * Whether the entity's Content-* fields count: for a part of a multipart always; for a message
     * only when it has a MIME-Version or a Content-Type field (RFC 2045 section 4 asks for
     * MIME-Version; Dovecot, followed here, takes a Content-Type as enough).
     */
    boolean isMime() {
        return mime;
    }

    boolean isMultipart() {
        return !parts.isEmpty();
    }

    /** The parts of a multipart; empty for any other entity. */
    List<MimePart> parts() {
        return parts;
    }

    /** The message a message/rfc822 part holds, or null. */
    MimePart enclosed() {
        return enclosed;
    }

    int bodyStart() {
        return header.end();
    }

    int bodyEnd() {
        return bodyEnd;
    }

    byte[] body() {
        return Arrays.copyOfRange(message, header.end(), bodyEnd);
    }

    /** The header and the body: the whole entity as stored. */
    byte[] whole() {
        return Arrays.copyOfRange(message, header.start(), bodyEnd);
    }

    long bodySize() {
        return bodyEnd - header.end();
    }

    /** Lines of the body as IMAP counts them for text and message parts: its LFs (RFC 9051 7.5.2). */
    long bodyLines() {
        long lines = 0;
        for (int i = header.end(); i < bodyEnd; i++) {
            if (message[i] == '\n') {
                lines++;
            }
        }
        return lines;
    }
}
