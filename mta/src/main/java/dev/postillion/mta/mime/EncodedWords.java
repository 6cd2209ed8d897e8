package dev.postillion.mta.mime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RFC 2047 encoded-words ({@code =?UTF-8?B?...?=}), decoded where mail clients decode them, also
 * inside quoted parameter values, which RFC 2047 section 5 forbids but Outlook and others write for
 * attachment names. Adjacent encoded-words are joined (section 6.2), so a character split between
 * two of them comes out whole.
 */
public final class EncodedWords {

    private static final Pattern WORD = Pattern.compile("=\\?([^?\\s]+)\\?([bBqQ])\\?([^?\\s]*)\\?=");

    private EncodedWords() {}

    public static String decode(String text) {
        if (!text.contains("=?")) {
            return text;
        }
        Matcher word = WORD.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        Charset pendingCharset = null;
        int last = 0;
        while (word.find()) {
            String between = text.substring(last, word.start());
            Charset charset = charset(word.group(1));
            boolean joined = pendingCharset != null && between.isBlank();
            if (!joined || !charset.equals(pendingCharset)) {
                flush(out, pending, pendingCharset);
                if (!joined) {
                    out.append(between);
                }
            }
            byte[] bytes = word.group(2).equalsIgnoreCase("B") ? bytes(TransferDecoding.base64(ascii(word.group(3))))
                    : qEncoded(word.group(3));
            pending.write(bytes, 0, bytes.length);
            pendingCharset = charset;
            last = word.end();
        }
        flush(out, pending, pendingCharset);
        return out.append(text, last, text.length()).toString();
    }

    private static void flush(StringBuilder out, ByteArrayOutputStream pending, Charset charset) {
        if (charset != null) {
            out.append(new String(pending.toByteArray(), charset));
        }
        pending.reset();
    }

    /** Section 4.2: {@code _} is a space, {@code =XX} an octet. */
    private static byte[] qEncoded(String text) {
        String spaced = text.replace('_', ' ');
        return bytes(TransferDecoding.quotedPrintable(ascii(spaced)));
    }

    /**
     * A charset by its MIME name, without an RFC 2231 language ({@code UTF-8*en}); an unknown one
     * reads as UTF-8, which keeps the ASCII characters an extension is made of.
     */
    public static Charset charset(String name) {
        int star = name.indexOf('*');
        String bare = (star < 0 ? name : name.substring(0, star)).strip().toLowerCase(Locale.ROOT);
        try {
            return bare.isEmpty() ? StandardCharsets.UTF_8 : Charset.forName(bare);
        } catch (IllegalArgumentException e) {
            return StandardCharsets.UTF_8;
        }
    }

    private static Slice ascii(String text) {
        return Slice.of(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static byte[] bytes(Slice slice) {
        return Arrays.copyOfRange(slice.bytes(), slice.from(), slice.to());
    }
}
