package dev.postillion.mta.policy.content;

import java.util.List;
import java.util.Locale;

/**
 * Which attachment names are forbidden: those ending in one of the configured extensions, compared
 * as Windows compares them, case-insensitively and without trailing dots and spaces, which
 * Windows drops ({@code "run.EXE. "} is {@code run.exe}). {@code report.exe.pdf} is a PDF.
 */
final class FileNames {

    private final List<String> suffixes;

    /** @param extensions lower case, without the dot */
    FileNames(List<String> extensions) {
        this.suffixes = extensions.stream().map(extension -> "." + extension).toList();
    }

    boolean forbidden(String name) {
        return endsWithForbidden(normalize(name)) || endsWithForbidden(normalize(beforeNul(name)));
    }

    /** A ZIP archive by its name, the only way a mail client and Windows tell one. */
    static boolean isZip(String name) {
        return normalize(name).endsWith(".zip");
    }

    /** The name with its control characters shown as {@code ?}, quoted, for a log line. */
    static String printable(String name) {
        StringBuilder out = new StringBuilder(name.length() + 2).append('"');
        name.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.append('"').toString();
    }

    private boolean endsWithForbidden(String normalized) {
        for (String suffix : suffixes) {
            if (normalized.endsWith(suffix)) {
                return true;
            }
        }
        return false;
    }

    /** Lower case, trailing dots and white space dropped. */
    static String normalize(String name) {
        int end = name.length();
        while (end > 0 && isDroppedAtEnd(name.charAt(end - 1))) {
            end--;
        }
        return name.substring(0, end).toLowerCase(Locale.ROOT);
    }

    private static boolean isDroppedAtEnd(char c) {
        return c == '.' || c == ' ' || c == '\t';
    }

    /** A program reading the name as a C string stops at a NUL: {@code run.exe\0.txt} is {@code run.exe}. */
    private static String beforeNul(String name) {
        int nul = name.indexOf('\0');
        return nul < 0 ? name : name.substring(0, nul);
    }
}
