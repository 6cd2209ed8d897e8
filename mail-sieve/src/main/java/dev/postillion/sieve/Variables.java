package dev.postillion.sieve;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The variables of one run (RFC 5229): named ones, set by {@code set}, and the match variables
 * ${0} to ${9} of the last successful :matches; references in strings are expanded once.
 */
final class Variables {

    /** RFC 5229 s3: at least ${0} to ${9}; higher numbers expand to "". */
    private static final int MATCH_VARIABLES = 10;

    private final Map<String, String> named = new HashMap<>();
    private List<String> matched = List.of();

    /** RFC 5228 s8.1: identifier = (ALPHA / "_") *(ALPHA / DIGIT / "_"). */
    static boolean identifier(String name) {
        if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
                return false;
            }
        }
        return true;
    }

    void set(String name, String value) {
        named.put(name.toLowerCase(Locale.ROOT), value);
    }

    String get(String name) {
        return named.getOrDefault(name.toLowerCase(Locale.ROOT), "");
    }

    /** The groups of a successful :matches, the whole value first (RFC 5229 s3.2). */
    void matched(List<String> groups) {
        matched = groups.subList(0, Math.min(groups.size(), MATCH_VARIABLES));
    }

    /**
     * {@code text} with each "${name}" and "${number}" replaced by its value (RFC 5229 s3); anything
     * else after "${" stays as written.
     */
    String expand(String text) {
        int start = text.indexOf("${");
        if (start < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        while (start >= 0) {
            int end = text.indexOf('}', start + 2);
            if (end < 0) {
                break;
            }
            String name = text.substring(start + 2, end);
            String value = reference(name);
            if (value == null) {
                out.append(text, at, start + 2);
                at = start + 2;
            } else {
                out.append(text, at, start).append(value);
                at = end + 1;
            }
            start = text.indexOf("${", at);
        }
        return out.append(text, at, text.length()).toString();
    }

    private String reference(String name) {
        if (!name.isEmpty() && name.chars().allMatch(c -> c >= '0' && c <= '9')) {
            int index = name.length() > 3 ? Integer.MAX_VALUE : Integer.parseInt(name);
            return index < matched.size() ? matched.get(index) : "";
        }
        return identifier(name) ? get(name) : null;
    }
}
