package dev.postillion.sieve;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A :matches key (RFC 5228 s2.7.1): "*" matches any run of characters, "?" one character, and a
 * backslash makes the next character plain. Matching never backtracks exponentially: a plain
 * match is the linear-space greedy walk, a match that fills RFC 5229's match variables one table of
 * which pattern suffix can match which value suffix (pattern length times value length bits).
 */
final class WildcardPattern {

    private static final int ONE = -1;
    private static final int ANY = -2;

    private final int[] pattern;
    private final Comparator comparator;

    WildcardPattern(String key, Comparator comparator) {
        this.comparator = comparator;
        List<Integer> codes = new ArrayList<>();
        for (int i = 0; i < key.length(); ) {
            int c = key.codePointAt(i);
            i += Character.charCount(c);
            if (c == '\\' && i < key.length()) {
                c = key.codePointAt(i);
                i += Character.charCount(c);
                codes.add(comparator.fold(c));
            } else if (c == '*') {
                codes.add(ANY);
            } else if (c == '?') {
                codes.add(ONE);
            } else {
                codes.add(comparator.fold(c));
            }
        }
        pattern = codes.stream().mapToInt(Integer::intValue).toArray();
    }

    private int[] text(String value) {
        return value.codePoints().map(comparator::fold).toArray();
    }

    private static boolean step(int code, int c) {
        return code == ONE || code == c;
    }

    /** Whether the whole of {@code value} matches: the greedy walk, returning to the last "*" on a miss. */
    boolean matches(String value) {
        int[] text = text(value);
        int p = 0;
        int t = 0;
        int star = -1;
        int resume = 0;
        while (t < text.length) {
            if (p < pattern.length && pattern[p] != ANY && step(pattern[p], text[t])) {
                p++;
                t++;
            } else if (p < pattern.length && pattern[p] == ANY) {
                star = p++;
                resume = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++resume;
            } else {
                return false;
            }
        }
        while (p < pattern.length && pattern[p] == ANY) {
            p++;
        }
        return p == pattern.length;
    }

    /**
     * The match with what each wildcard took, in order (RFC 5229 s3.2), the whole value first; each
     * "*" takes as little as lets the rest match. Empty if the value does not match.
     */
    Optional<List<String>> capture(String value) {
        int[] text = text(value);
        int[] original = value.codePoints().toArray();
        int n = text.length;
        int k = pattern.length;
        // can[i][j]: pattern from i matches text from j
        boolean[][] can = new boolean[k + 1][];
        can[k] = new boolean[n + 1];
        can[k][n] = true;
        for (int i = k - 1; i >= 0; i--) {
            can[i] = new boolean[n + 1];
            for (int j = n; j >= 0; j--) {
                can[i][j] = pattern[i] == ANY ? can[i + 1][j] || (j < n && can[i][j + 1])
                        : j < n && step(pattern[i], text[j]) && can[i + 1][j + 1];
            }
        }
        if (!can[0][0]) {
            return Optional.empty();
        }
        List<String> groups = new ArrayList<>();
        groups.add(value);
        int j = 0;
        for (int i = 0; i < k; i++) {
            if (pattern[i] == ANY) {
                int end = j;
                while (!can[i + 1][end]) {
                    end++;
                }
                groups.add(new String(original, j, end - j));
                j = end;
            } else {
                if (pattern[i] == ONE) {
                    groups.add(new String(original, j, 1));
                }
                j++;
            }
        }
        return Optional.of(groups);
    }
}
