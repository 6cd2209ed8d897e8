package dev.postillion.auth.dkim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A DKIM tag-list (RFC 6376 section 3.2), as in DKIM-Signature header fields and key records:
 * {@code tag=value} specs separated by semicolons, with an optional one at the end. Tag names are
 * case-sensitive; a value loses the folding white space around it and keeps the white space
 * inside. A duplicate tag makes the whole list invalid; unknown tags are the caller's to ignore.
 */
final class TagList {

    /** {@code tag-name = ALPHA *ALNUMPUNC}, where ALNUMPUNC is a letter, digit or underscore. */
    private static final Pattern TAG_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

    private final Map<String, String> tags;

    private TagList(Map<String, String> tags) {
        this.tags = Collections.unmodifiableMap(tags);
    }

    /**
     * @param text the tag-list, each octet of the header field or record as one char (ISO-8859-1)
     * @param malformed the reason to fail with, for a signature or a key record
     */
    static TagList parse(String text, DkimResult.Reason malformed) throws DkimException {
        Map<String, String> tags = new LinkedHashMap<>();
        String[] specs = text.split(";", -1);
        for (int i = 0; i < specs.length; i++) {
            if (isFws(specs[i]) && i == specs.length - 1) {
                break; // the optional ";" after the last spec
            }
            addSpec(tags, specs[i], malformed);
        }
        return new TagList(tags);
    }

    Optional<String> get(String name) {
        return Optional.ofNullable(tags.get(name));
    }

    /** The value of a tag that must be present. */
    String require(String name, DkimResult.Reason malformed) throws DkimException {
        String value = tags.get(name);
        if (value == null) {
            throw new DkimException(malformed, "missing tag " + name + "=");
        }
        return value;
    }

    /** The first tag's name, empty for an empty list. */
    String firstName() {
        return tags.keySet().stream().findFirst().orElse("");
    }

    /** Removes folding white space (SP, HTAB, CR, LF) from the ends. */
    static String trimFws(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isFwsChar(text.charAt(start))) {
            start++;
        }
        while (end > start && isFwsChar(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(start, end);
    }

    /** Removes all folding white space, as base64 values allow it anywhere (RFC 6376 section 2.4). */
    static String stripFws(String text) {
        StringBuilder kept = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            if (!isFwsChar(text.charAt(i))) {
                kept.append(text.charAt(i));
            }
        }
        return kept.toString();
    }

    static boolean isFwsChar(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static boolean isFws(String text) {
        return trimFws(text).isEmpty();
    }

    private static void addSpec(Map<String, String> tags, String spec, DkimResult.Reason malformed)
            throws DkimException {
        int equals = spec.indexOf('=');
        if (equals < 0) {
            throw new DkimException(malformed, "tag without '=': " + trimFws(spec));
        }
        String name = trimFws(spec.substring(0, equals));
        String value = trimFws(spec.substring(equals + 1));
        if (!TAG_NAME.matcher(name).matches()) {
            throw new DkimException(malformed, "bad tag name '" + name + "'");
        }
        checkValue(name, value, malformed);
        if (tags.putIfAbsent(name, value) != null) {
            throw new DkimException(malformed, "duplicate tag " + name + "=");
        }
    }

    /**
     * {@code tag-value}: VALCHARs (printable ASCII but ";") with white space inside. Octets over
     * 127 are let through for RFC 8616's UTF-8 in {@code i=}; the tags' own syntax checks the rest.
     */
    private static void checkValue(String name, String value, DkimResult.Reason malformed) throws DkimException {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 && !isFwsChar(c) || c == 0x7f) {
                throw new DkimException(malformed, "control character in " + name + "=");
            }
        }
    }
}
