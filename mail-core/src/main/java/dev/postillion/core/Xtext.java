package dev.postillion.core;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The "xtext" of RFC 3461 section 4, in which the DSN parameters ENVID and ORCPT carry values
 * that an ESMTP parameter could not (spaces, "=", "+", controls, non-ASCII):
 *
 * <pre>
 * xtext   = *( xchar / hexchar )
 * xchar   = any ASCII CHAR between "!" (33) and "~" (126) inclusive, except for "+" and "="
 * hexchar = ASCII "+" immediately followed by two upper case hexadecimal digits
 * </pre>
 *
 * <p>Refused, each with a message that names it and its position: a character outside {@code !}
 * to {@code ~} (space, control characters, DEL, non-ASCII), an {@code =}, and a {@code +} not
 * followed by two of {@code 0-9 A-F}, which includes lower-case hexadecimal digits and a
 * {@code +} too near the end.
 *
 * <p>A hexchar stands for one octet. {@link #decode} reads the octets as UTF-8 (of which US-ASCII
 * is part), as {@link #encode} writes them. A decoded value may hold any character, CR and LF
 * included: whoever writes one into a header field checks it first.
 */
public final class Xtext {

    private static final String HEX_DIGITS = "0123456789ABCDEF";

    private Xtext() {}

    /** True if {@code text} follows the grammar above (the empty string does). */
    public static boolean isValid(String text) {
        return firstError(text) < 0;
    }

    /**
     * The value {@code xtext} stands for.
     *
     * @throws IllegalArgumentException if it is not xtext, or if its octets are not UTF-8; the
     *     message says what is wrong and where
     */
    public static String decode(String xtext) {
        int error = firstError(xtext);
        if (error >= 0) {
            throw new IllegalArgumentException(describeError(xtext, error));
        }
        ByteArrayOutputStream octets = new ByteArrayOutputStream(xtext.length());
        for (int i = 0; i < xtext.length(); i++) {
            char c = xtext.charAt(i);
            if (c == '+') {
                octets.write(hexValue(xtext.charAt(i + 1)) << 4 | hexValue(xtext.charAt(i + 2)));
                i += 2;
            } else {
                octets.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(octets.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the octets of the hexchars are not UTF-8");
        }
    }

    /** {@code text} as xtext: its UTF-8 octets, each xchar as itself and every other one as a hexchar. */
    public static String encode(String text) {
        StringBuilder xtext = new StringBuilder(text.length());
        for (byte octet : text.getBytes(StandardCharsets.UTF_8)) {
            int value = octet & 0xFF;
            if (isXchar(value)) {
                xtext.append((char) value);
            } else {
                xtext.append('+').append(HEX_DIGITS.charAt(value >> 4)).append(HEX_DIGITS.charAt(value & 0xF));
            }
        }
        return xtext.toString();
    }

    /** The index of the first character that breaks the grammar, or -1. */
    private static int firstError(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '+') {
                if (i + 2 >= text.length() || hexValue(text.charAt(i + 1)) < 0 || hexValue(text.charAt(i + 2)) < 0) {
                    return i;
                }
                i += 2;
            } else if (!isXchar(c)) {
                return i;
            }
        }
        return -1;
    }

    private static String describeError(String text, int index) {
        String position = " at position " + (index + 1);
        char c = text.charAt(index);
        if (c != '+') {
            return "character " + EmailAddress.describe(c) + position + " is not allowed in xtext";
        }
        String digits = text.substring(index + 1, Math.min(index + 3, text.length()));
        if (digits.length() == 2
                && isHexDigitOfEitherCase(digits.charAt(0)) && isHexDigitOfEitherCase(digits.charAt(1))) {
            return "'+" + digits + "'" + position + " must be written with upper-case hexadecimal digits";
        }
        return "'+'" + position + " is not followed by two hexadecimal digits";
    }

    private static boolean isXchar(int c) {
        return c >= '!' && c <= '~' && c != '+' && c != '=';
    }

    private static boolean isHexDigitOfEitherCase(char c) {
        return hexValue(c) >= 0 || (c >= 'a' && c <= 'f');
    }

    /** 0 to 15 for {@code 0-9} and {@code A-F}; -1 for anything else, lower-case included. */
    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
