package dev.postillion.mta.imap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
        return new ParameterizedValue(body.getValue() == null ? "" : body.getValue(), joinContinuations(parameters));
    }

    /**
     * RFC 2231 section 3 and 4 parameters, as Dovecot reports them: the plain parameters first, in
     * their order; then the RFC 2231 ones ordered by name (octet order, so "Z" before "a"), each joined from its numbered sections
     * (name*0, name*1...) in number order. A joined parameter with any encoded section is called
     * name*, and its value is the sections' text joined as written (charset'language' prefix and
     * %-escapes left for the client to decode); one without is called name. A lone name* stays.
     */
    private static List<NameValuePair> joinContinuations(List<NameValuePair> parameters) {
        List<NameValuePair> plain = new ArrayList<>();
        Map<String, List<Section>> extended = new TreeMap<>();
        for (NameValuePair parameter : parameters) {
            Matcher section = RFC2231_NAME.matcher(parameter.getName());
            if (!section.matches()) {
                plain.add(parameter);
                continue;
            }
            int number = section.group(2) == null ? -1 : Integer.parseInt(section.group(2));
            boolean encoded = section.group(2) == null || section.group(3) != null;
            extended.computeIfAbsent(section.group(1), k -> new ArrayList<>())
                    .add(new Section(section.group(1), number, encoded, parameter.getValue()));
        }
        List<NameValuePair> joined = new ArrayList<>(plain);
        for (List<Section> sections : extended.values()) {
            sections.sort(Comparator.comparingInt(Section::number));
            StringBuilder value = new StringBuilder();
            sections.forEach(section -> value.append(section.value()));
            boolean encoded = sections.stream().anyMatch(Section::encoded);
            joined.add(new NameValuePair(sections.get(0).name() + (encoded ? "*" : ""), value.toString()));
        }
        return joined;
    }

    /** One RFC 2231 section of a parameter: name*, name*n or name*n*. */
    private record Section(String name, int number, boolean encoded, String value) {}

    private static final Pattern RFC2231_NAME = Pattern.compile("([^*]+)\\*(?:(\\d{1,3})(\\*)?)?");

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
