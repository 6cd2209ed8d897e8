package dev.postillion.queue.report;

import dev.postillion.core.EmailAddress;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * An address as a delivery-status field names it: {@code address-type; generic-address} (RFC 3464
 * section 2.3.1 and 2.3.2).
 *
 * @param type {@code rfc822}, or {@code utf-8} for a non-ASCII address (RFC 6533 section 3)
 * @param address the address itself, decoded
 */
record TypedAddress(String type, String address) {

    static final String RFC822 = "rfc822";
    static final String UTF8 = "utf-8";

    /** The address a message was finally delivered to, or not (Final-Recipient). */
    static TypedAddress of(EmailAddress address) {
        return new TypedAddress(address.isAscii() ? RFC822 : UTF8, address.toString());
    }

    /**
     * The address an ORCPT parameter gives (RFC 3461 section 4.2: {@code addr-type ";" xtext}), for
     * the Original-Recipient field. A {@code utf-8} address carries its non-ASCII characters raw or
     * as {@code \x{HEX}} (RFC 6533 section 3), not as xtext. Empty when the value has no type.
     */
    static Optional<TypedAddress> fromOrcpt(String value) {
        int semicolon = value.indexOf(';');
        if (semicolon <= 0) {
            return Optional.empty();
        }
        String type = value.substring(0, semicolon).trim().toLowerCase(Locale.ROOT);
        String encoded = value.substring(semicolon + 1).trim();
        if (type.equals(UTF8)) {
            return Optional.of(new TypedAddress(UTF8, decodeEmbedded(encoded)));
        }
        String address = ReportText.decodeXtext(encoded);
        // An rfc822 address is ASCII; one that decodes otherwise can only be named as utf-8.
        return Optional.of(new TypedAddress(type.equals(RFC822) && !isAscii(address) ? UTF8 : type, address));
    }

    /**
     * The field value. A {@code utf-8} address is written as RFC 6533's utf-8-addr-unitext: ASCII
     * characters other than printable ones, {@code +}, {@code =} and {@code \} as {@code \x{HEX}},
     * the rest as they are; a non-ASCII address makes the part {@code message/global-delivery-status}.
     */
    String fieldValue() {
        return type + "; " + (type.equals(UTF8) ? unitext(address) : ReportText.clean(address));
    }

    private static String unitext(String address) {
        StringBuilder text = new StringBuilder(address.length());
        address.codePoints().forEach(c -> {
            boolean qchar = c > 0x20 && c < 0x7f && c != '+' && c != '=' && c != '\\';
            if (qchar || (c > 0x7f && !Character.isISOControl(c))) {
                text.appendCodePoint(c);
            } else {
                text.append(String.format("\\x{%02X}", c));
            }
        });
        return text.toString();
    }

    /** Reads RFC 6533's {@code \x{HEX}} escapes; anything malformed is kept as it is. */
    private static String decodeEmbedded(String encoded) {
        StringBuilder decoded = new StringBuilder(encoded.length());
        int i = 0;
        while (i < encoded.length()) {
            int close = encoded.startsWith("\\x{", i) ? encoded.indexOf('}', i) : -1;
            String hex = close < 0 ? "" : encoded.substring(i + 3, close);
            if (!hex.isEmpty() && hex.length() <= 6 && hex.chars().allMatch(HexFormat::isHexDigit)
                    && Character.isValidCodePoint(Integer.parseInt(hex, 16))) {
                decoded.appendCodePoint(Integer.parseInt(hex, 16));
                i = close + 1;
            } else {
                decoded.append(encoded.charAt(i));
                i++;
            }
        }
        return decoded.toString();
    }

    private static boolean isAscii(String text) {
        return text.chars().allMatch(c -> c < 0x80);
    }
}
