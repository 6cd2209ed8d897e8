package dev.postillion.sieve;

import java.math.BigInteger;
import java.util.Locale;

/** The comparators (RFC 4790 s9): i;octet, i;ascii-casemap and i;ascii-numeric. */
enum Comparator {
    OCTET, ASCII_CASEMAP, ASCII_NUMERIC;

    static Comparator named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "i;octet" -> OCTET;
            case "i;ascii-numeric" -> ASCII_NUMERIC;
            default -> ASCII_CASEMAP;
        };
    }

    /** A character as this comparator sees it: i;ascii-casemap maps a-z to A-Z, nothing else (RFC 4790 s9.2). */
    int fold(int codePoint) {
        return this == ASCII_CASEMAP && codePoint >= 'a' && codePoint <= 'z' ? codePoint - 32 : codePoint;
    }

    boolean equal(String value, String key) {
        return compare(value, key) == 0;
    }

    /** Whether {@code key} is in {@code value}; char by char, as folding touches ASCII only. */
    boolean contains(String value, String key) {
        outer:
        for (int start = 0; start + key.length() <= value.length(); start++) {
            for (int i = 0; i < key.length(); i++) {
                if (fold(value.charAt(start + i)) != fold(key.charAt(i))) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /**
     * Orders two values. By code point, which is the octet order of their UTF-8 (i;octet); for
     * i;ascii-numeric by the number their leading digits make, a value without leading digits being
     * greater than every number and equal to another such (RFC 4790 s9.1).
     */
    int compare(String value, String key) {
        if (this == ASCII_NUMERIC) {
            BigInteger a = leadingNumber(value);
            BigInteger b = leadingNumber(key);
            if (a == null || b == null) {
                return a == null ? (b == null ? 0 : 1) : -1;
            }
            return a.compareTo(b);
        }
        int i = 0;
        int j = 0;
        while (i < value.length() && j < key.length()) {
            int a = fold(value.codePointAt(i));
            int b = fold(key.codePointAt(j));
            if (a != b) {
                return Integer.compare(a, b);
            }
            i += Character.charCount(a);
            j += Character.charCount(b);
        }
        return Boolean.compare(i < value.length(), j < key.length());
    }

    private static BigInteger leadingNumber(String value) {
        int end = 0;
        while (end < value.length() && value.charAt(end) >= '0' && value.charAt(end) <= '9') {
            end++;
        }
        return end == 0 ? null : new BigInteger(value.substring(0, end));
    }
}
