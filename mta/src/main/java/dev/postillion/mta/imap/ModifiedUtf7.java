package dev.postillion.mta.imap;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * IMAP4rev1's spelling of folder names beyond ASCII (RFC 3501 section 5.1.3): UTF-16 in a base64
 * variant with ',' for '/', between '&' and '-'; '&' itself is "&-". Names are kept in Unicode
 * and spelt this way on the wire.
 */
final class ModifiedUtf7 {

    private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getDecoder();

    private ModifiedUtf7() {}

    static String encode(String name) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < name.length()) {
            char c = name.charAt(i);
            if (c == '&') {
                out.append("&-");
                i++;
            } else if (c >= 0x20 && c <= 0x7E) {
                out.append(c);
                i++;
            } else {
                int end = i;
                while (end < name.length() && (name.charAt(end) < 0x20 || name.charAt(end) > 0x7E)) {
                    end++;
                }
                byte[] utf16 = name.substring(i, end).getBytes(StandardCharsets.UTF_16BE);
                out.append('&').append(ENCODER.encodeToString(utf16).replace('/', ',')).append('-');
                i = end;
            }
        }
        return out.toString();
    }

    /** The name a client sent; text that is not valid modified UTF-7 is taken as it is. */
    static String decode(String wire) {
        if (wire.indexOf('&') < 0) {
            return wire;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < wire.length()) {
            char c = wire.charAt(i);
            int end = c == '&' ? wire.indexOf('-', i) : -1;
            if (c != '&') {
                out.append(c);
                i++;
            } else if (end < 0) {
                return wire;
            } else if (end == i + 1) {
                out.append('&');
                i = end + 1;
            } else {
                try {
                    byte[] utf16 = DECODER.decode(wire.substring(i + 1, end).replace(',', '/'));
                    out.append(StandardCharsets.UTF_16BE.decode(ByteBuffer.wrap(utf16)));
                } catch (IllegalArgumentException e) {
                    return wire;
                }
                i = end + 1;
            }
        }
        return out.toString();
    }
}
