package dev.postillion.sieve;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A message for the tests, read from its bytes: the header fields unfolded (RFC 5322 s2.2.3). The
 * tests' messages hold no encoded words, so no RFC 2047 decoding is needed here.
 */
record RawMessage(String envelopeFrom, String envelopeTo, byte[] content) implements SieveMessage {

    static RawMessage of(String envelopeFrom, String envelopeTo, String text) {
        return new RawMessage(envelopeFrom, envelopeTo, text.replaceAll("\r?\n", "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public List<String> headers(String name) {
        String text = new String(content, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        String header = end < 0 ? text : text.substring(0, end);
        List<String> values = new ArrayList<>();
        for (String field : header.split("\r\n(?![ \t])")) {
            int colon = field.indexOf(':');
            if (colon > 0 && field.substring(0, colon).strip().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                values.add(field.substring(colon + 1).replace("\r\n", "").strip());
            }
        }
        return values;
    }

    @Override
    public long size() {
        return content.length;
    }
}
