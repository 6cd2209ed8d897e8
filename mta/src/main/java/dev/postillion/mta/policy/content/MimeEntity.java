package dev.postillion.mta.policy.content;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A MIME entity (RFC 2045 section 2.4): a message or a body part, as its header fields, unfolded
 * (RFC 5322 section 2.2.3), and where its body lies. Lines may end in CRLF or, inside an encoded
 * message/rfc822 part, in a bare LF.
 */
final class MimeEntity {

    private record Field(String name, String value) {}

    private final List<Field> fields;
    private final Slice body;

    private MimeEntity(List<Field> fields, Slice body) {
        this.fields = fields;
        this.body = body;
    }

    /** The header section up to the first empty line; the body is the rest. */
    static MimeEntity parse(Slice entity) {
        List<Field> fields = new ArrayList<>();
        StringBuilder current = null;
        int line = entity.from();
        while (line < entity.to()) {
            int next = entity.nextLine(line);
            int end = entity.lineContentEnd(line, next);
            if (end == line) {
                add(fields, current);
                return new MimeEntity(fields, entity.range(next, entity.to()));
            }
            String text = new String(entity.bytes(), line, end - line, StandardCharsets.UTF_8);
            if (current != null && (text.charAt(0) == ' ' || text.charAt(0) == '\t')) {
                current.append(text);
            } else {
                add(fields, current);
                current = new StringBuilder(text);
            }
            line = next;
        }
        add(fields, current);
        return new MimeEntity(fields, entity.range(entity.to(), entity.to()));
    }

    /** The first field of this name (case-insensitive), without surrounding white space. */
    Optional<String> field(String name) {
        return fields.stream().filter(field -> field.name().equalsIgnoreCase(name)).map(Field::value).findFirst();
    }

    /** Every field of this name: a second Content-Disposition may be the one a client reads. */
    List<String> fields(String name) {
        return fields.stream().filter(field -> field.name().equalsIgnoreCase(name)).map(Field::value).toList();
    }

    Slice body() {
        return body;
    }

    /** The body with its Content-Transfer-Encoding undone. */
    Slice decodedBody() {
        return TransferDecoding.decode(body, field("Content-Transfer-Encoding").orElse(null));
    }

    /** The media type, lower case, or {@code fallback} without a Content-Type (RFC 2045 section 5.2). */
    String mediaType(String fallback) {
        Optional<String> type = field("Content-Type").map(MimeParameters::leadingToken).filter(t -> !t.isEmpty());
        return type.orElse(fallback);
    }

    /** The Content-Type field's parameters; none without the field. */
    MimeParameters typeParameters() {
        return MimeParameters.parse(field("Content-Type").orElse(""));
    }

    private static void add(List<Field> fields, StringBuilder raw) {
        if (raw == null) {
            return;
        }
        int colon = raw.indexOf(":");
        if (colon > 0) {
            fields.add(new Field(raw.substring(0, colon).strip(), raw.substring(colon + 1).strip()));
        }
    }
}
