package dev.postillion.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The header section of an RFC 5322 message (section 2.2): fields in order, values unfolded.
 * Reads only up to the blank line that ends the headers; the body is never looked at.
 */
public final class MessageHeaders {

    public record Field(String name, String value) {}

    private final List<Field> fields;

    private MessageHeaders(List<Field> fields) {
        this.fields = fields;
    }

    /** Parses the header section of {@code message} (CRLF line endings, as SMTP delivers it). */
    public static MessageHeaders parse(byte[] message) {
        List<Field> fields = new ArrayList<>();
        StringBuilder current = null;
        int start = 0;
        while (start < message.length) {
            int end = lineEnd(message, start);
            if (end == start) {
                break; // the blank line: end of the header section
            }
            // RFC 6532: header values may carry UTF-8; decode leniently.
            String line = new String(message, start, end - start, StandardCharsets.UTF_8);
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && current != null) {
                current.append(line); // folded continuation, RFC 5322 section 2.2.3
            } else {
                addField(fields, current);
                current = new StringBuilder(line);
            }
            start = skipEol(message, end);
        }
        addField(fields, current);
        return new MessageHeaders(fields);
    }

    public List<Field> fields() {
        return fields;
    }

    /** The first field with this name (case-insensitive), trimmed. */
    public Optional<String> first(String name) {
        return fields.stream().filter(f -> f.name().equalsIgnoreCase(name)).map(Field::value).findFirst();
    }

    public long count(String name) {
        return fields.stream().filter(f -> f.name().equalsIgnoreCase(name)).count();
    }

    private static void addField(List<Field> fields, StringBuilder raw) {
        if (raw == null) {
            return;
        }
        int colon = raw.indexOf(":");
        if (colon <= 0) {
            return; // not a field; RFC 5322 parsers skip such lines
        }
        fields.add(new Field(raw.substring(0, colon).trim(), raw.substring(colon + 1).trim()));
    }

    private static int lineEnd(byte[] message, int from) {
        for (int i = from; i < message.length; i++) {
            if (message[i] == '\r' || message[i] == '\n') {
                return i;
            }
        }
        return message.length;
    }

    private static int skipEol(byte[] message, int at) {
        if (at < message.length && message[at] == '\r') {
            at++;
        }
        if (at < message.length && message[at] == '\n') {
            at++;
        }
        return at;
    }
}
