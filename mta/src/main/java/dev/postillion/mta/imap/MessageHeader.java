package dev.postillion.mta.imap;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The header section of a message or of a MIME part (RFC 5322 section 2.2, RFC 2045 section 3):
 * where it lies in the stored bytes, and its fields in order, each with the octets it spans so
 * HEADER.FIELDS can return them exactly as stored (RFC 9051 section 6.4.5).
 */
final class MessageHeader {

    /** One field: its name, its value unfolded, and the stored octets it spans (CRLF included). */
    record Field(String name, String value, String folded, int start, int end) {}

    private final byte[] message;
    private final int start;
    private final int end;
    private final int storedEnd;
    private final List<Field> fields;

    private MessageHeader(byte[] message, int start, int end, int storedEnd, List<Field> fields) {
        this.message = message;
        this.start = start;
        this.end = end;
        this.storedEnd = storedEnd;
        this.fields = fields;
    }

    /**
     * Reads the header that starts at {@code start}: it ends after the first empty line, or at
     * {@code limit} when there is none (a message of headers only has an empty body). In that
     * case, a header cut short by a boundary line takes in the line break before that boundary,
     * which ends its last line: {@code extendTo} is where that boundary line starts. Dovecot reads
     * it so, and counts those octets in the sizes and line counts of the part and of its parents,
     * though not in the octets it returns for the header's sections; so do we.
     */
    static MessageHeader read(byte[] message, int start, int limit, int extendTo) {
        List<Field> fields = new ArrayList<>();
        int at = start;
        int fieldStart = -1;
        while (at < limit) {
            int lineEnd = lineEnd(message, at, limit);
            boolean empty = message[at] == '\n' || (message[at] == '\r' && at + 1 < limit && message[at + 1] == '\n');
            boolean continuation = message[at] == ' ' || message[at] == '\t';
            if (!continuation && fieldStart >= 0) {
                addField(fields, message, fieldStart, at);
                fieldStart = -1;
            }
            if (empty) {
                return new MessageHeader(message, start, lineEnd, lineEnd, fields);
            }
            if (!continuation) {
                fieldStart = at;
            }
            at = lineEnd;
        }
        if (fieldStart >= 0) {
            addField(fields, message, fieldStart, limit);
        }
        return new MessageHeader(message, start, Math.max(limit, extendTo), limit, fields);
    }

    /** An empty header at {@code at}: the part Dovecot reports for a multipart without parts. */
    static MessageHeader empty(byte[] message, int at) {
        return new MessageHeader(message, at, at, at, List.of());
    }

    int start() {
        return start;
    }

    /** Where the body begins: just after the empty line that ends the header. */
    int end() {
        return end;
    }

    /** The header's octets as stored, for HEADER and MIME sections (RFC 9051 section 6.4.5). */
    byte[] bytes() {
        return java.util.Arrays.copyOfRange(message, start, storedEnd);
    }

    /** The unfolded value of the first field of that name, or null (names are case-insensitive). */
    String value(String name) {
        Field field = field(name);
        return field == null ? null : field.value();
    }

    /**
     * The value of the first field of that name with its line breaks still in, or null: what
     * Dovecot writes text for people from (the subject), see ImapStrings.humanText.
     */
    String foldedValue(String name) {
        Field field = field(name);
        return field == null ? null : field.folded();
    }

    private Field field(String name) {
        for (Field field : fields) {
            if (field.name().equalsIgnoreCase(name)) {
                return field;
            }
        }
        return null;
    }

    /**
     * HEADER.FIELDS and HEADER.FIELDS.NOT (RFC 9051 section 6.4.5): the stored fields whose names
     * are (or are not) in {@code names}, in message order, then the empty line that ends a header.
     */
    byte[] fields(Collection<String> names, boolean matching) {
        List<String> lower = names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Field field : fields) {
            if (lower.contains(field.name().toLowerCase(Locale.ROOT)) == matching) {
                out.write(message, field.start(), field.end() - field.start());
            }
        }
        out.writeBytes(new byte[] {'\r', '\n'});
        return out.toByteArray();
    }

    private static void addField(List<Field> fields, byte[] message, int from, int to) {
        int colon = from;
        while (colon < to && message[colon] != ':' && message[colon] != '\r' && message[colon] != '\n') {
            colon++;
        }
        if (colon == to || message[colon] != ':') {
            return; // a line without a colon is no field (RFC 5322 section 2.2); skipped, as Dovecot does
        }
        String name = new String(message, from, colon - from, StandardCharsets.ISO_8859_1).strip();
        int valueStart = colon + 1;
        while (valueStart < to && (message[valueStart] == ' ' || message[valueStart] == '\t')) {
            valueStart++;
        }
        String folded = new String(message, valueStart, lineBreakStart(message, valueStart, to) - valueStart, StandardCharsets.UTF_8);
        fields.add(new Field(name, unfold(message, valueStart, to), folded, from, to));
    }

    /**
     * The value unfolded as Dovecot does (RFC 5322 section 2.2.3): CRLFs removed, the whitespace
     * that followed them kept. Bytes are read as UTF-8 (RFC 6532).
     */
    private static String unfold(byte[] message, int from, int to) {
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        for (int at = from; at < to; at++) {
            if (message[at] != '\r' && message[at] != '\n') {
                value.write(message[at]);
            }
        }
        return value.toString(StandardCharsets.UTF_8);
    }

    /** Where the line break that ends a field's last line starts. */
    private static int lineBreakStart(byte[] message, int from, int to) {
        int end = to;
        if (end > from && message[end - 1] == '\n') {
            end--;
        }
        if (end > from && message[end - 1] == '\r') {
            end--;
        }
        return end;
    }

    private static int lineEnd(byte[] message, int at, int limit) {
        while (at < limit && message[at] != '\n') {
            at++;
        }
        return at < limit ? at + 1 : limit;
    }
}
