package dev.postillion.mta.mime;

import java.util.Arrays;
import java.util.Locale;

/**
 * Content-Transfer-Encoding (RFC 2045 section 6), decoded leniently as mail clients do: what the
 * recipient's client would make of a part is what is looked at.
 */
public final class TransferDecoding {

    private static final int[] BASE64 = new int[128];

    static {
        Arrays.fill(BASE64, -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            BASE64[alphabet.charAt(i)] = i;
        }
    }

    private TransferDecoding() {}

    /** {@code body} decoded by {@code encoding} as {@link #decode(Slice, String)} decodes it: for IMAP's BINARY and SEARCH. */
    public static byte[] decode(byte[] body, String encoding) {
        Slice decoded = decode(Slice.of(body), encoding);
        return Arrays.copyOfRange(decoded.bytes(), decoded.from(), decoded.to());
    }

    /** The body decoded by its Content-Transfer-Encoding; 7bit, 8bit, binary and unknown ones as they are. */
    public static Slice decode(Slice body, String encoding) {
        String name = encoding == null ? "" : encoding.strip().toLowerCase(Locale.ROOT);
        if (name.equals("base64")) {
            return base64(body);
        }
        if (name.equals("quoted-printable")) {
            return quotedPrintable(body);
        }
        return body;
    }

    /**
     * RFC 2045 section 6.8: characters outside the alphabet (line breaks) are skipped, decoding stops
     * at {@code =}; a last incomplete group yields the whole octets it holds.
     */
    public static Slice base64(Slice in) {
        byte[] out = new byte[in.length() / 4 * 3 + 3];
        int length = 0;
        int bits = 0;
        int count = 0;
        for (int i = in.from(); i < in.to(); i++) {
            int c = in.bytes()[i] & 0xff;
            if (c == '=') {
                break;
            }
            int value = c < 128 ? BASE64[c] : -1;
            if (value < 0) {
                continue;
            }
            bits = bits << 6 | value;
            count++;
            if (count == 4) {
                out[length++] = (byte) (bits >> 16);
                out[length++] = (byte) (bits >> 8);
                out[length++] = (byte) bits;
                bits = 0;
                count = 0;
            }
        }
        if (count == 2) {
            out[length++] = (byte) (bits >> 4);
        } else if (count == 3) {
            out[length++] = (byte) (bits >> 10);
            out[length++] = (byte) (bits >> 2);
        }
        return new Slice(out, 0, length);
    }

    /**
     * RFC 2045 section 6.7: {@code =XX} is an octet, {@code =} at the end of a line (after optional
     * white space) a soft line break, any other {@code =} itself.
     */
    public static Slice quotedPrintable(Slice in) {
        byte[] bytes = in.bytes();
        byte[] out = new byte[in.length()];
        int length = 0;
        int i = in.from();
        while (i < in.to()) {
            byte b = bytes[i];
            if (b != '=') {
                out[length++] = b;
                i++;
                continue;
            }
            int high = i + 2 < in.to() ? hex(bytes[i + 1]) : -1;
            int low = high >= 0 ? hex(bytes[i + 2]) : -1;
            if (low >= 0) {
                out[length++] = (byte) (high << 4 | low);
                i += 3;
                continue;
            }
            int softBreak = softLineBreakEnd(in, i + 1);
            if (softBreak >= 0) {
                i = softBreak;
            } else {
                out[length++] = b;
                i++;
            }
        }
        return new Slice(out, 0, length);
    }

    /** After an {@code =}: the position after the line break if only white space comes before it, else -1. */
    private static int softLineBreakEnd(Slice in, int at) {
        int i = at;
        while (i < in.to() && (in.bytes()[i] == ' ' || in.bytes()[i] == '\t')) {
            i++;
        }
        if (i < in.to() && in.bytes()[i] == '\r') {
            i++;
        }
        if (i < in.to() && in.bytes()[i] == '\n') {
            return i + 1;
        }
        return i == in.to() ? i : -1;
    }

    public static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        return -1;
    }
}
