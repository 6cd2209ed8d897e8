package dev.postillion.mta.managesieve;

import java.nio.charset.StandardCharsets;

/** Strings as the server writes them (RFC 5804 section 4): quoted when they can be, else a literal. */
final class ManageSieveStrings {

    /** RFC 5804 section 4: a quoted string holds at most 1024 octets. */
    private static final int MAX_QUOTED = 1024;

    private ManageSieveStrings() {}

    /** {@code "text"} with {@code "} and {@code \} escaped, or {@code {n}CRLF text} if it holds a line break or is long. */
    static String string(String text) {
        if (text.indexOf('\r') < 0 && text.indexOf('\n') < 0
                && text.getBytes(StandardCharsets.UTF_8).length <= MAX_QUOTED) {
            return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        return literal(text);
    }

    /** {@code {n}CRLF text}: n octets of UTF-8 (literal-s2c). */
    static String literal(String text) {
        return "{" + text.getBytes(StandardCharsets.UTF_8).length + "}\r\n" + text;
    }
}
