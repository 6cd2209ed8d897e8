package dev.postillion.auth.dkim;

import java.security.MessageDigest;

/**
 * Hashes a message body in canonical form (RFC 6376 sections 3.4.3, 3.4.4 and 3.7) in one pass,
 * without copying it. Empty lines are held back until a non-empty line follows, since those at the
 * end of the body are not part of it. Only the first {@code limit} octets of the canonical body
 * are hashed (the {@code l=} tag), and the length of the whole canonical body is counted, so that
 * the caller can tell whether content follows what was signed (RFC 6376 section 8.2).
 */
final class BodyCanonicalizer {

    private static final byte[] CRLF = {'\r', '\n'};

    /**
     * @param digest the body hash
     * @param length the length of the whole canonical body, hashed or not
     */
    record BodyHash(byte[] digest, long length) {}

    private final Canonicalization canonicalization;
    private final MessageDigest digest;
    private final long limit;
    /** The relaxed form of the current line; grows to the longest line. */
    private byte[] line = new byte[256];
    private long length;
    private long pendingEmptyLines;

    private BodyCanonicalizer(Canonicalization canonicalization, MessageDigest digest, long limit) {
        this.canonicalization = canonicalization;
        this.digest = digest;
        this.limit = limit;
    }

    /**
     * @param message the whole message; the body is from {@code bodyStart} to its end
     * @param limit how many octets of the canonical body to hash; {@code Long.MAX_VALUE} for all
     */
    static BodyHash hash(byte[] message, int bodyStart, Canonicalization canonicalization,
            MessageDigest digest, long limit) {
        BodyCanonicalizer body = new BodyCanonicalizer(canonicalization, digest, limit);
        int at = bodyStart;
        while (at < message.length) {
            int end = lineEnd(message, at);
            body.line(message, at, end);
            at = Math.min(message.length, end + 2);
        }
        body.finish();
        return new BodyHash(digest.digest(), body.length);
    }

    /** One line, without its CRLF; a last line without one gets one (RFC 6376 section 3.4.3). */
    private void line(byte[] message, int from, int to) {
        if (canonicalization == Canonicalization.SIMPLE) {
            emitLine(message, from, to - from);
        } else {
            relaxedLine(message, from, to);
        }
    }

    /**
     * RFC 6376 section 3.4.4: white space at the end of the line removed, other runs of white
     * space made one space. The line is made in {@link #line}, grown here when too short, and
     * emitted from it here too: no caller holds the buffer across its growth.
     */
    private void relaxedLine(byte[] message, int from, int to) {
        if (line.length < to - from) {
            line = new byte[to - from];
        }
        int size = 0;
        boolean pendingSpace = false;
        for (int i = from; i < to; i++) {
            byte b = message[i];
            if (b == ' ' || b == '\t') {
                pendingSpace = true;
                continue;
            }
            if (pendingSpace) {
                line[size++] = ' ';
                pendingSpace = false;
            }
            line[size++] = b;
        }
        emitLine(line, 0, size);
    }

    private void emitLine(byte[] source, int offset, int size) {
        if (size == 0) {
            pendingEmptyLines++;
            return;
        }
        for (; pendingEmptyLines > 0; pendingEmptyLines--) {
            emit(CRLF, 0, CRLF.length);
        }
        emit(source, offset, size);
        emit(CRLF, 0, CRLF.length);
    }

    /** An empty body is one CRLF in simple form, nothing in relaxed form. */
    private void finish() {
        if (length == 0 && canonicalization == Canonicalization.SIMPLE) {
            emit(CRLF, 0, CRLF.length);
        }
    }

    private void emit(byte[] source, int offset, int size) {
        long room = limit - length;
        if (room > 0) {
            digest.update(source, offset, (int) Math.min(size, room));
        }
        length += size;
    }

    private static int lineEnd(byte[] message, int from) {
        for (int i = from; i + 1 < message.length; i++) {
            if (message[i] == '\r' && message[i + 1] == '\n') {
                return i;
            }
        }
        return message.length;
    }
}
