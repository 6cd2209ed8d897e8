package dev.postillion.mta.imap;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The header section of a message or of a MIME part (RFC 5322 section 2.2, RFC 2045 section 3):
 * where it lies in the stored bytes, and its fields in order, each with the octets it spans so
 * HEADER.FIELDS can return them exactly as stored (RFC 9051 section 6.4.5).
 */
final class MessageHeader {

    /**
     * One field: its name, its value unfolded and as written (folded), and the stored octets it
     * spans (CRLF included). A line without a colon is kept as a field without a name (null):
     * it is no field (RFC 5322 section 2.2), but Dovecot keeps it in HEADER.FIELDS.NOT.
     */
    record Field(String name, String value, String folded, int start, int end) {

        boolean named(String other) {
            return name != null && name.equalsIgnoreCase(other);
        }
    }

    private final byte[] message;
    private final int start;
    private final int end;
    private final int storedEnd;
    private final int blankLine;
    private final List<Field> fields;

    private MessageHeader(byte[] message, int start, int end, int storedEnd, int blankLine, List<Field> fields) {
        this.message = message;
        this.start = start;
        this.end = end;
        this.storedEnd = storedEnd;
        this.blankLine = blankLine;
        this.fields = fields;
    }

    /**
     * Reads the header that starts at {@code start}: it ends after the first empty line, or at
     * {@code limit} when there is none (a message of headers only has an empty body). The limit
     * is the end of the message, or the start of the boundary line that ends the entity.
     *
     * <p>Dovecot reads a header line by line up to such a boundary line, so the line break
     * before the boundary, which belongs to the boundary (RFC 2046 section 5.1.1), may end the
     * header's last line or be its empty line. It counts those octets in the sizes and line counts
     * of the part and of its parents, but returns the header's octets (HEADER, MIME) only up to
     * where the entity ends, before that line break (see {@link #endingBy}). So do we.
     */
    static MessageHeader read(byte[] message, int start, int limit) {
        List<Field> fields = new ArrayList<>();
        int at = start;
        int fieldStart = -1;
        int blankLine = -1;
        while (at < limit && blankLine < 0) {
            int lineEnd = lineEnd(message, at, limit);
            boolean empty = message[at] == '\n' || (message[at] == '\r' && at + 1 < limit && message[at + 1] == '\n');
            boolean continuation = message[at] == ' ' || message[at] == '\t';
            if (!continuation && fieldStart >= 0) {
                addField(fields, message, fieldStart, at);
                fieldStart = -1;
            }
            if (empty) {
                blankLine = at;
            } else if (!continuation) {
                fieldStart = at;
            }
            at = lineEnd;
        }
        if (fieldStart >= 0) {
            addField(fields, message, fieldStart, at);
        }
        return new MessageHeader(message, start, at, at, blankLine, fields);
    }

    /** This header of an entity that ends at {@code entityEnd}: its octets stop there at the latest. */
    MessageHeader endingBy(int entityEnd) {
        int storedEnd = Math.max(start, Math.min(end, entityEnd));
        return storedEnd == this.storedEnd ? this : new MessageHeader(message, start, end, storedEnd, blankLine, fields);
    }

    /** An empty header at {@code at}: the part Dovecot reports for a multipart without parts. */
    static MessageHeader empty(byte[] message, int at) {
        return new MessageHeader(message, at, at, at, -1, List.of());
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
        return Arrays.copyOfRange(message, start, storedEnd);
    }

    /** The unfolded value of the first field of that name, or null (names are case-insensitive). */
    String first(String name) {
        for (Field field : fields) {
            if (field.named(name)) {
                return field.value();
            }
        }
        return null;
    }

    /**
     * The unfolded value of the last field of that name, or null: where a field that should be
     * there once is there more often, Dovecot takes the last, and so do we.
     */
    String last(String name) {
        Field last = lastField(name);
        return last == null ? null : last.value();
    }

    /**
     * The value of the last field of that name with its line breaks still in, or null: what
     * Dovecot writes text for people from (the subject), see ImapStrings.humanText.
     */
    String lastFolded(String name) {
        Field last = lastField(name);
        return last == null ? null : last.folded();
    }

    /** Every field, in order. */
    List<Field> fields() {
        return fields;
    }

    /** The unfolded values of all the fields of that name, in order. */
    List<String> all(String name) {
        return fields.stream().filter(f -> f.named(name)).map(Field::value).toList();
    }

    private Field lastField(String name) {
        Field last = null;
        for (Field field : fields) {
            if (field.named(name)) {
                last = field;
            }
        }
        return last;
    }

    /**
     * HEADER.FIELDS (RFC 9051 section 6.4.5): the stored fields whose names are in {@code names},
     * in message order, each ending with a line break, then the empty line that ends a header,
     * whether or not the stored header has one (as Dovecot answers).
     */
    byte[] fields(Collection<String> names) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Field field : fields) {
            int fieldEnd = Math.min(field.end(), storedEnd);
            if (names.stream().anyMatch(field::named) && field.start() < fieldEnd) {
                out.write(message, field.start(), fieldEnd - field.start());
                if (message[fieldEnd - 1] != '\n') {
                    out.writeBytes(CRLF);
                }
            }
        }
        out.writeBytes(CRLF);
        return out.toByteArray();
    }

    /**
     * HEADER.FIELDS.NOT (RFC 9051 section 6.4.5): the stored header less the fields whose names
     * are in {@code names}, exactly as stored: lines that are not fields stay, and the empty line
     * ends it only where the stored header has one (as Dovecot answers).
     */
    byte[] fieldsExcept(Collection<String> names) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Field field : fields) {
            int fieldEnd = Math.min(field.end(), storedEnd);
            if (names.stream().noneMatch(field::named) && field.start() < fieldEnd) {
                out.write(message, field.start(), fieldEnd - field.start());
            }
        }
        if (blankLine >= 0 && blankLine < storedEnd) {
            out.write(message, blankLine, storedEnd - blankLine);
        }
        return out.toByteArray();
    }

    private static void addField(List<Field> fields, byte[] message, int from, int to) {
        int colon = from;
        while (colon < to && message[colon] != ':' && message[colon] != '\r' && message[colon] != '\n') {
            colon++;
        }
        if (colon == to || message[colon] != ':') {
            fields.add(new Field(null, "", "", from, to));
            return;
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

    private static final byte[] CRLF = {'\r', '\n'};

    private static int lineEnd(byte[] message, int at, int limit) {
        while (at < limit && message[at] != '\n') {
            at++;
        }
        return at < limit ? at + 1 : limit;
    }
}
