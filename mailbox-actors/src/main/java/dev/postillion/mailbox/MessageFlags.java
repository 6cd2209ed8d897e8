package dev.postillion.mailbox;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * A message's flags (RFC 3501 section 2.3.2, RFC 9051 section 2.3.2): the system flags as bits,
 * and keywords, which compare without regard to case and keep the spelling first set.
 */
public record MessageFlags(int system, List<String> keywords) {

    public static final int SEEN = 1;
    public static final int ANSWERED = 2;
    public static final int FLAGGED = 4;
    public static final int DELETED = 8;
    public static final int DRAFT = 16;
    public static final MessageFlags NONE = new MessageFlags(0, List.of());

    /** How a change applies to a message's flags: IMAP STORE's FLAGS, +FLAGS and -FLAGS. */
    public enum Change { REPLACE, ADD, REMOVE }

    public MessageFlags {
        keywords = List.copyOf(keywords);
    }

    /** The system flags in IMAP's spelling, by bit (RFC 9051 section 2.3.2). */
    private static final List<String> SYSTEM_NAMES = List.of("\\Seen", "\\Answered", "\\Flagged", "\\Deleted",
            "\\Draft");

    /**
     * The flags a client or a Sieve script names (RFC 9051 section 2.3.2, RFC 5232): a name with a
     * backslash is a system flag, any other a keyword. {@code \Recent} is the server's to set, not
     * theirs (RFC 3501), so it is ignored.
     *
     * @throws IllegalArgumentException naming a system flag that does not exist
     */
    public static MessageFlags named(Collection<String> names) {
        int system = 0;
        List<String> keywords = new ArrayList<>();
        for (String name : names) {
            if (!name.startsWith("\\")) {
                keywords.add(name);
                continue;
            }
            int bit = SYSTEM_NAMES.stream().map(known -> known.toLowerCase(Locale.ROOT)).toList()
                    .indexOf(name.toLowerCase(Locale.ROOT));
            if (bit < 0 && !name.equalsIgnoreCase("\\Recent")) {
                throw new IllegalArgumentException("no such system flag: " + name);
            }
            system |= bit < 0 ? 0 : 1 << bit;
        }
        return new MessageFlags(system, keywords);
    }

    /** The flags as IMAP names them: the system flags set, then the keywords. */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        for (int bit = 0; bit < SYSTEM_NAMES.size(); bit++) {
            if (has(1 << bit)) {
                names.add(SYSTEM_NAMES.get(bit));
            }
        }
        names.addAll(keywords);
        return names;
    }

    public boolean has(int flag) {
        return (system & flag) != 0;
    }

    /** These flags after {@code change} with {@code given}. */
    public MessageFlags apply(Change change, MessageFlags given) {
        return switch (change) {
            case REPLACE -> given;
            case ADD -> new MessageFlags(system | given.system, union(keywords, given.keywords));
            case REMOVE -> new MessageFlags(system & ~given.system, keywords.stream()
                    .filter(keyword -> !containsIgnoringCase(given.keywords, keyword)).toList());
        };
    }

    /** The same flags, whatever the order and case of their keywords. */
    public boolean sameAs(MessageFlags other) {
        return system == other.system && keywords.size() == other.keywords.size()
                && keywords.stream().allMatch(keyword -> containsIgnoringCase(other.keywords, keyword));
    }

    /** {@code known} with the keywords of {@code more} not already in it, in their order. */
    static List<String> union(Collection<String> known, Collection<String> more) {
        List<String> all = new ArrayList<>(known);
        for (String keyword : more) {
            if (!containsIgnoringCase(all, keyword)) {
                all.add(keyword);
            }
        }
        return all;
    }

    private static boolean containsIgnoringCase(Collection<String> keywords, String keyword) {
        String folded = keyword.toLowerCase(Locale.ROOT);
        return keywords.stream().anyMatch(known -> known.toLowerCase(Locale.ROOT).equals(folded));
    }
}
