package dev.postillion.mta.policy.content;

import dev.postillion.mta.mime.EncodedWords;
import dev.postillion.mta.mime.TransferDecoding;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The parameters of a Content-Type or Content-Disposition field (RFC 2045 section 5.1, RFC 2183),
 * with RFC 2231's extensions: charsets ({@code filename*=UTF-8''r%C3%A9sum%C3%A9.pdf}) and values
 * continued over several parameters ({@code filename*0*=...; filename*1=...}). Read leniently, as
 * mail clients read them: an unquoted value runs to the next {@code ;}, a quote left open to the end.
 */
final class MimeParameters {

    /** Continuation numbers beyond this are not a name anyone splits: ignored. */
    private static final int MAX_SECTION = 999;

    private record Parameter(String name, String value) {}

    private record Section(boolean encoded, String value) {}

    private final List<Parameter> parameters;

    private MimeParameters(List<Parameter> parameters) {
        this.parameters = parameters;
    }

    /** The parameters of a field value such as {@code attachment; filename="a.pdf"}. */
    static MimeParameters parse(String fieldValue) {
        List<Parameter> parameters = new ArrayList<>();
        int at = fieldValue.indexOf(';');
        while (at >= 0 && at < fieldValue.length()) {
            at = parameter(fieldValue, at + 1, parameters);
        }
        return new MimeParameters(parameters);
    }

    /** The value's first part, the media type or disposition type, lower case: {@code multipart/mixed}. */
    static String leadingToken(String fieldValue) {
        int end = 0;
        while (end < fieldValue.length() && ";( \t".indexOf(fieldValue.charAt(end)) < 0) {
            end++;
        }
        return fieldValue.substring(0, end).toLowerCase(Locale.ROOT);
    }

    /** The first plain value of a parameter, such as {@code boundary}. */
    Optional<String> first(String name) {
        return parameters.stream().filter(p -> p.name().equals(name)).map(Parameter::value).findFirst();
    }

    /**
     * Every value the parameter is given in, decoded: plainly ({@code name}), RFC 2231-encoded
     * ({@code name*}), in continuations ({@code name*0}, {@code name*0*}...), and any RFC 2047
     * encoded-words within them. A client may read any of them, so each is looked at.
     */
    List<String> values(String name) {
        List<String> values = new ArrayList<>();
        Map<Integer, Section> sections = new TreeMap<>();
        String prefix = name + "*";
        for (Parameter parameter : parameters) {
            if (parameter.name().equals(name)) {
                values.add(EncodedWords.decode(parameter.value()));
            } else if (parameter.name().equals(prefix)) {
                values.add(EncodedWords.decode(extendedValue(parameter.value())));
            } else if (parameter.name().startsWith(prefix)) {
                addSection(sections, parameter.name().substring(prefix.length()), parameter.value());
            }
        }
        if (!sections.isEmpty()) {
            values.add(EncodedWords.decode(joined(sections)));
        }
        return values;
    }

    /** {@code 0*} or {@code 12}: a section of a continued value (RFC 2231 section 3). */
    private static void addSection(Map<Integer, Section> sections, String suffix, String value) {
        boolean encoded = suffix.endsWith("*");
        String digits = encoded ? suffix.substring(0, suffix.length() - 1) : suffix;
        if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return;
        }
        int number = Integer.parseInt(digits);
        if (number <= MAX_SECTION) {
            sections.putIfAbsent(number, new Section(encoded, value));
        }
    }

    /**
     * The sections in order, joined as octets and decoded in the charset the first encoded one names
     * (RFC 2231 section 4.1); a missing number is skipped over rather than ending the value.
     */
    private static String joined(Map<Integer, Section> sections) {
        ByteArrayOutputStream octets = new ByteArrayOutputStream();
        Charset charset = StandardCharsets.UTF_8;
        boolean first = true;
        for (Section section : sections.values()) {
            String value = section.value();
            if (section.encoded() && first) {
                String[] parts = value.split("'", 3);
                if (parts.length == 3) {
                    charset = EncodedWords.charset(parts[0]);
                    value = parts[2];
                }
            }
            byte[] bytes = section.encoded() ? percentDecoded(value) : value.getBytes(StandardCharsets.UTF_8);
            octets.write(bytes, 0, bytes.length);
            first = false;
        }
        return new String(octets.toByteArray(), charset);
    }

    /** {@code charset'language'percent-encoded} (RFC 2231 section 4); without the quotes, UTF-8. */
    private static String extendedValue(String value) {
        String[] parts = value.split("'", 3);
        if (parts.length < 3) {
            return new String(percentDecoded(value), StandardCharsets.UTF_8);
        }
        return new String(percentDecoded(parts[2]), EncodedWords.charset(parts[0]));
    }

    private static byte[] percentDecoded(String value) {
        byte[] in = value.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        for (int i = 0; i < in.length; i++) {
            int high = in[i] == '%' && i + 2 < in.length ? TransferDecoding.hex(in[i + 1]) : -1;
            int low = high >= 0 ? TransferDecoding.hex(in[i + 2]) : -1;
            if (low >= 0) {
                out.write(high << 4 | low);
                i += 2;
            } else {
                out.write(in[i]);
            }
        }
        return out.toByteArray();
    }

    /** Reads one {@code name=value} from {@code at}; returns where the next one's {@code ;} is, or -1. */
    private static int parameter(String text, int at, List<Parameter> out) {
        int equals = indexOfEither(text, at, '=', ';');
        if (equals < 0) {
            return -1;
        }
        if (text.charAt(equals) == ';') {
            return equals; // a name without a value: skipped
        }
        String name = text.substring(at, equals).strip().toLowerCase(Locale.ROOT);
        int start = skipWhiteSpace(text, equals + 1);
        if (start < text.length() && text.charAt(start) == '"') {
            StringBuilder value = new StringBuilder();
            int end = quoted(text, start + 1, value);
            out.add(new Parameter(name, value.toString()));
            return text.indexOf(';', end);
        }
        int end = text.indexOf(';', start);
        out.add(new Parameter(name, text.substring(start, end < 0 ? text.length() : end).strip()));
        return end;
    }

    /** A quoted-string's content from after its opening quote; returns the position after the closing one. */
    private static int quoted(String text, int at, StringBuilder value) {
        int i = at;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' && i + 1 < text.length()) {
                i++;
                c = text.charAt(i);
            }
            value.append(c);
            i++;
        }
        return i;
    }

    private static int indexOfEither(String text, int from, char a, char b) {
        for (int i = from; i < text.length(); i++) {
            if (text.charAt(i) == a || text.charAt(i) == b) {
                return i;
            }
        }
        return -1;
    }

    private static int skipWhiteSpace(String text, int at) {
        int i = at;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }
}
