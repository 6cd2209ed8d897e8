package dev.postillion.mta.imap;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.ParserCursor;
import org.apache.james.mime4j.stream.RawBody;
import org.apache.james.mime4j.stream.RawFieldParser;
import org.apache.james.mime4j.util.ByteArrayBuffer;

/**
 * A MIME header value with parameters, such as Content-Type and Content-Disposition
 * (RFC 2045 section 5.1, RFC 2183 section 2): {@code value *(";" name "=" value)}. Mime4j's field
 * parser does the tokenizing (quoted strings, comments); names and values keep the case they
 * were written in, because Dovecot reports them so in BODYSTRUCTURE. A parameter without a value
 * is dropped, as Dovecot drops it. Mime4j reads the octets as UTF-8 (RFC 6532), as they are
 * given here.
 */
record ParameterizedValue(String value, List<NameValuePair> parameters) {

    static ParameterizedValue parse(String header) {
        byte[] bytes = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayBuffer buffer = new ByteArrayBuffer(bytes, bytes.length, false);
        RawBody body = RawFieldParser.DEFAULT.parseRawBody(buffer, new ParserCursor(0, bytes.length));
        List<NameValuePair> parameters = body.getParams().stream()
                .filter(p -> p.getName() != null && !p.getName().isEmpty() && p.getValue() != null)
                .toList();
        return new ParameterizedValue(body.getValue() == null ? "" : body.getValue(), parameters);
    }

    /**
     * A Content-Type (RFC 2045 section 5.1): {@code type "/" subtype}, or a lone type, which
     * Dovecot takes with an empty subtype. Anything else ("text/", "/plain", nothing) is not a
     * media type: Dovecot then reports type and subtype "" and no parameters, and so do we.
     */
    static ParameterizedValue contentType(String header) {
        ParameterizedValue parsed = parse(header);
        String media = parsed.value().replaceAll("\\s+", "");
        if (!media.matches(TOKEN + "(/" + TOKEN + ")?")) {
            return new ParameterizedValue("", List.of());
        }
        return new ParameterizedValue(media, parsed.parameters());
    }

    /** token (RFC 2045 section 5.1): no space, control or tspecial. */
    private static final String TOKEN = "[^\\x00-\\x20\\x7f()<>@,;:\\\\\"/\\[\\]?=]+";

    /** The value of the parameter of that name (case-insensitive, RFC 2045 section 5.1), or null. */
    String parameter(String name) {
        for (NameValuePair parameter : parameters) {
            if (parameter.getName().equalsIgnoreCase(name)) {
                return parameter.getValue();
            }
        }
        return null;
    }
}
