package dev.postillion.mta.policy.content;

import dev.postillion.mta.mime.Slice;
import dev.postillion.mta.policy.content.ContentViolation.NonAsciiHeader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The header section of a message (RFC 5322 section 2.1): everything before the first empty line. */
final class HeaderSection {

    /** Longer field names are no names a reply should repeat. */
    private static final int MAX_NAMED_FIELD = 64;

    private HeaderSection() {}

    /** Octets of the header section, its last line's CRLF included, the empty line after it not. */
    static int length(byte[] message) {
        Slice all = Slice.of(message);
        int line = 0;
        while (line < message.length) {
            int next = all.nextLine(line);
            if (all.lineContentEnd(line, next) == line) {
                return line;
            }
            line = next;
        }
        return message.length;
    }

    /**
     * The first field holding an octet above 127, which RFC 5322 does not allow and RFC 6532 allows
     * only in a transaction that used SMTPUTF8 (RFC 6531 section 3.1).
     */
    static Optional<ContentViolation> nonAscii(byte[] message, int length) {
        int fieldStart = 0;
        for (int i = 0; i < length; i++) {
            byte b = message[i];
            if (b == '\n' && i + 1 < length && message[i + 1] != ' ' && message[i + 1] != '\t') {
                fieldStart = i + 1;
            } else if (b < 0) {
                return Optional.of(new NonAsciiHeader(fieldName(message, fieldStart, length)));
            }
        }
        return Optional.empty();
    }

    /**
     * The field's name if it is one a reply can carry: printable ASCII other than the colon
     * (RFC 5322 section 3.6.8), not too long; {@code null} otherwise.
     */
    private static String fieldName(byte[] message, int start, int length) {
        int end = start;
        while (end < length && end - start <= MAX_NAMED_FIELD && message[end] >= 33 && message[end] <= 126
                && message[end] != ':') {
            end++;
        }
        boolean named = end > start && end - start <= MAX_NAMED_FIELD && end < length && message[end] == ':';
        return named ? new String(message, start, end - start, StandardCharsets.US_ASCII) : null;
    }
}
