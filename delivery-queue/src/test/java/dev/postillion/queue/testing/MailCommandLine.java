package dev.postillion.queue.testing;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A MAIL or RCPT command line as the fake MX reads it: the path, then ESMTP parameters (RFC 5321 section 4.1.2). */
final class MailCommandLine {

    private MailCommandLine() {}

    /** The address between angle brackets. */
    static String path(String line) {
        int open = line.indexOf('<');
        int close = line.indexOf('>', open);
        return open < 0 || close < 0 ? "" : line.substring(open + 1, close);
    }

    /** The ESMTP parameters after the path, keywords upper-cased; a bare keyword has an empty value. */
    static Map<String, String> parameters(String line) {
        Map<String, String> parameters = new LinkedHashMap<>();
        String rest = line.substring(line.indexOf('>') + 1).trim();
        if (rest.isEmpty()) {
            return parameters;
        }
        for (String parameter : rest.split("\\s+")) {
            int equals = parameter.indexOf('=');
            parameters.put((equals < 0 ? parameter : parameter.substring(0, equals)).toUpperCase(Locale.ROOT),
                    equals < 0 ? "" : parameter.substring(equals + 1));
        }
        return parameters;
    }
}
