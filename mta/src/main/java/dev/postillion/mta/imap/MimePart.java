package dev.postillion.mta.imap;

import java.util.Arrays;
import java.util.List;

/**
 * One entity of the MIME tree of a stored message (RFC 2045, RFC 2046): its header, where its body
 * lies in the stored octets, and its children: the parts of a multipart, or the message that a
 * message/rfc822 part encloses. The top-level message is a part too. MimeParser makes the tree.
 */
final class MimePart {

    private final byte[] message;
    private final MessageHeader header;
    private final int bodyEnd;
    private final ParameterizedValue contentType;
    private final boolean mime;
    private final List<MimePart> parts;
    private final MimePart enclosed;

    MimePart(byte[] message, MessageHeader header, int bodyEnd, ParameterizedValue contentType,
            boolean mime, List<MimePart> parts, MimePart enclosed) {
        this.message = message;
        this.header = header;
        this.bodyEnd = bodyEnd;
        this.contentType = contentType;
        this.mime = mime;
        this.parts = parts;
        this.enclosed = enclosed;
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

    int bodyEnd() {
        return bodyEnd;
    }

    byte[] body() {
        return Arrays.copyOfRange(message, header.end(), bodyEnd);
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
