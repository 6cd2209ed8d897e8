package dev.postillion.sieve;

import java.util.Locale;

/** The modifiers of {@code set} (RFC 5229 s4.1), applied from the highest precedence down. */
final class VariableModifiers {

    private VariableModifiers() {}

    static String apply(Node set, String value) {
        String result = value;
        // precedence 40
        if (set.has(":lower")) {
            result = result.toLowerCase(Locale.ROOT);
        } else if (set.has(":upper")) {
            result = result.toUpperCase(Locale.ROOT);
        }
        // precedence 30
        if (!result.isEmpty() && set.has(":lowerfirst")) {
            result = result.substring(0, 1).toLowerCase(Locale.ROOT) + result.substring(1);
        } else if (!result.isEmpty() && set.has(":upperfirst")) {
            result = result.substring(0, 1).toUpperCase(Locale.ROOT) + result.substring(1);
        }
        // precedence 20: the value can then be a :matches key for itself
        if (set.has(":quotewildcard")) {
            result = result.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?");
        }
        // precedence 10: the length in characters
        if (set.has(":length")) {
            result = String.valueOf(result.codePointCount(0, result.length()));
        }
        return result;
    }
}
