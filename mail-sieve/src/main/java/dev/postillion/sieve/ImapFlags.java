package dev.postillion.sieve;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A flag list as RFC 5232 s3 keeps it: the flags of space-separated strings, each once; IMAP flags
 * are case-insensitive (RFC 3501 s2.3.2), so the first spelling of a keyword stays.
 */
final class ImapFlags {

    /** The system flags a message can be given, by their lower case: their spelling in RFC 3501 s2.3.2. */
    private static final Map<String, String> SYSTEM = Map.of("\\seen", "\\Seen", "\\answered", "\\Answered",
            "\\flagged", "\\Flagged", "\\deleted", "\\Deleted", "\\draft", "\\Draft");

    private final Set<String> flags = new LinkedHashSet<>();
    private final Set<String> folded = new LinkedHashSet<>();

    ImapFlags() {}

    /** The flags in {@code strings}, each string cut at spaces. */
    static ImapFlags of(List<String> strings) {
        ImapFlags flags = new ImapFlags();
        flags.add(strings);
        return flags;
    }

    /**
     * Adds the flags of {@code strings}, system flags spelt as RFC 3501 does; a string that is no
     * IMAP flag is left out, as Pigeonhole does.
     */
    void add(List<String> strings) {
        for (String string : strings) {
            for (String flag : string.split(" ")) {
                if (valid(flag) && folded.add(flag.toLowerCase(Locale.ROOT))) {
                    flags.add(SYSTEM.getOrDefault(flag.toLowerCase(Locale.ROOT), flag));
                }
            }
        }
    }

    /**
     * RFC 3501 s9: a flag is one of the system flags a message can be given (\Recent cannot) or a
     * keyword, an atom: printable ASCII without "(", ")", "{", "%", "*", '"', "\\" and "]".
     */
    private static boolean valid(String flag) {
        if (flag.startsWith("\\")) {
            return SYSTEM.containsKey(flag.toLowerCase(Locale.ROOT));
        }
        if (flag.isEmpty()) {
            return false;
        }
        for (int i = 0; i < flag.length(); i++) {
            char c = flag.charAt(i);
            if (c <= ' ' || c >= 127 || "(){%*\"\\]".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
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
