package dev.postillion.queue.report;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * xtext (RFC 3461 section 4), the encoding of the ENVID and ORCPT parameter values: any octet may
 * be written as {@code +} and two hexadecimal digits.
 */
final class Xtext {

    private Xtext() {}

    /**
     * The text an xtext value stands for, its octets read as UTF-8. A {@code +} not followed by two
     * hexadecimal digits is kept as it is: the value came from a client, and a report is no place
     * to refuse it.
     */
    static String decode(String xtext) {
        byte[] encoded = xtext.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream decoded = new ByteArrayOutputStream(encoded.length);
        for (int i = 0; i < encoded.length; i++) {
            if (encoded[i] == '+' && i + 2 < encoded.length
                    && HexFormat.isHexDigit(encoded[i + 1]) && HexFormat.isHexDigit(encoded[i + 2])) {
                decoded.write(HexFormat.fromHexDigit(encoded[i + 1]) << 4 | HexFormat.fromHexDigit(encoded[i + 2]));
                i += 2;
            } else {
                decoded.write(encoded[i]);
            }
        }
        return decoded.toString(StandardCharsets.UTF_8);
    }
}
