package dev.postillion.mta.policy.content;

import dev.postillion.mta.mime.Slice;
import dev.postillion.mta.mime.TransferDecoding;
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

    /** More header fields than this in one entity are no mail, only a way to spend memory. */
    static final int MAX_FIELDS = 1000;

    private record Field(String name, String value) {}

    private final List<Field> fields;
    private final int headerLength;
    private final Slice body;

    private MimeEntity(List<Field> fields, int headerLength, Slice body) {
        this.fields = fields;
        this.headerLength = headerLength;
        this.body = body;
    }

    /**
     * The header section up to the first empty line; the body is the rest. Bounded like a
     * message's header section: empty when the entity's header section is longer than
     * {@code maxHeader} octets (counted as {@link HeaderSection#length} counts them; the caller
     * passes {@code postillion.smtp.max-header-size}) or holds more than {@value #MAX_FIELDS}
     * fields. Parsing stops there, so a part of a huge header costs no more than that much.
     */
    static Optional<MimeEntity> parse(Slice entity, long maxHeader) {
        List<Field> fields = new ArrayList<>();
        StringBuilder current = null;
        int started = 0;
        int line = entity.from();
        while (line < entity.to()) {
            int next = entity.nextLine(line);
            int end = entity.lineContentEnd(line, next);
            if (end == line) {
                add(fields, current);
                return Optional.of(new MimeEntity(fields, line - entity.from(), entity.range(next, entity.to())));
            }
            if (next - entity.from() > maxHeader) {
                return Optional.empty();
            }
            String text = new String(entity.bytes(), line, end - line, StandardCharsets.UTF_8);
            if (current != null && (text.charAt(0) == ' ' || text.charAt(0) == '\t')) {
                current.append(text);
            } else {
                if (++started > MAX_FIELDS) {
                    return Optional.empty();
                }
                add(fields, current);
                current = new StringBuilder(text);
            }
            line = next;
        }
        add(fields, current);
        return Optional.of(new MimeEntity(fields, entity.length(), entity.range(entity.to(), entity.to())));
    }

    /** Octets of the header section, as {@link HeaderSection#length} counts them. */
    int headerLength() {
        return headerLength;
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
