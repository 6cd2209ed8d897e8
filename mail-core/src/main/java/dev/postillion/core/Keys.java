package dev.postillion.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Binary store keys that sort the way the code reads them (ARCHITECTURE "Storage"): text parts are
 * UTF-8 ended by a 0x00 separator (addresses never contain NUL), numbers are big-endian.
 */
public final class Keys {

    private Keys() {}

    /** {@code text 0x00}: a prefix under which every key of that text sorts together. */
    public static byte[] text(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(utf8, utf8.length + 1);
    }

    /** {@code text 0x00 number} with the number big-endian, so entries sort by number. */
    public static byte[] textAndLong(String text, long number) {
        byte[] prefix = text(text);
        return ByteBuffer.allocate(prefix.length + Long.BYTES).put(prefix).putLong(number).array();
    }

    /** The smallest key greater than {@code key}: it with a 0x00 after it. Where a page after {@code key} starts. */
    public static byte[] successor(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }

    /** The smallest key greater than every key starting with {@code prefix}. */
    public static byte[] prefixEnd(byte[] prefix) {
        byte[] end = Arrays.copyOf(prefix, prefix.length);
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xFF) {
                end[i]++;
                return Arrays.copyOf(end, i + 1);
            }
        }
        throw new IllegalArgumentException("no key bounds a prefix made only of 0xFF bytes");
    }
}
