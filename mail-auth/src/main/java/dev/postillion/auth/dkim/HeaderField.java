package dev.postillion.auth.dkim;

import java.nio.charset.StandardCharsets;

/**
 * One header field exactly as received: its octets from the name to the end of its last line,
 * folding included, without the CRLF that ends it.
 *
 * @param name the field name, white space around it removed; empty for a line that is no field
 * @param raw the octets, as DKIM's "simple" header canonicalization signs them (RFC 6376 section 3.4.1)
 */
public record HeaderField(String name, byte[] raw) {

    /** The octets after the colon, one char per octet (ISO-8859-1), so that no octet is lost. */
    public String value() {
        String text = text();
        int colon = text.indexOf(':');
        return colon < 0 ? "" : text.substring(colon + 1);
    }

    /** The whole field, one char per octet (ISO-8859-1). */
    String text() {
        return new String(raw, StandardCharsets.ISO_8859_1);
    }

    public boolean is(String fieldName) {
        return name.equalsIgnoreCase(fieldName);
    }

    /** A field of the given octets, its name taken from before the first colon. */
    static HeaderField of(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int colon = text.indexOf(':');
        String name = colon < 0 ? "" : TagList.trimFws(text.substring(0, colon));
        return new HeaderField(name, raw);
    }
}
