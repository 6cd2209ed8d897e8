package dev.postillion.sieve;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A flag list as RFC 5232 s3 keeps it: the flags of space-separated strings, each once; IMAP flags
 * are case-insensitive (RFC 3501 s2.3.2), so the first spelling of a flag stays.
 */
final class ImapFlags {

    private final Set<String> flags = new LinkedHashSet<>();
    private final Set<String> folded = new LinkedHashSet<>();

    ImapFlags() {}

    /** The flags in {@code strings}, each string cut at spaces. */
    static ImapFlags of(List<String> strings) {
        ImapFlags flags = new ImapFlags();
        flags.add(strings);
        return flags;
    }

    void add(List<String> strings) {
        for (String string : strings) {
            for (String flag : string.split(" ")) {
                if (!flag.isEmpty() && folded.add(flag.toLowerCase(Locale.ROOT))) {
                    flags.add(flag);
                }
            }
        }
    }

    void remove(List<String> strings) {
        ImapFlags gone = of(strings);
        flags.removeIf(flag -> gone.folded.contains(flag.toLowerCase(Locale.ROOT)));
        folded.removeAll(gone.folded);
    }

    Set<String> set() {
        return Set.copyOf(flags);
    }

    List<String> list() {
        return List.copyOf(flags);
    }

    /** The value of a variable holding these flags: space-separated (RFC 5232 s3). */
    String text() {
        return String.join(" ", flags);
    }
}
