package dev.postillion.mailbox;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Folder names of a mailbox: a hierarchy separated by {@code /}, case-sensitive except INBOX,
 * which is one folder however a client spells it (RFC 3501 section 5.1). A parent need not exist
 * for its children to (RFC 9051 section 6.3.9's \NonExistent parents).
 */
public final class FolderName {

    public static final String INBOX = "INBOX";
    public static final char SEPARATOR = '/';
    /** Long enough for any client's nesting, short enough to keep keys and listings small. */
    static final int MAX_LENGTH = 500;
    static final int MAX_DEPTH = 20;

    /** The folders every mailbox starts with, and their RFC 6154 attributes. */
    public record Default(String name, String specialUse) {}

    public static final List<Default> DEFAULTS = List.of(new Default(INBOX, ""), new Default("Sent", "Sent"),
            new Default("Drafts", "Drafts"), new Default("Trash", "Trash"), new Default("Junk", "Junk"),
            new Default("Archive", "Archive"));

    /** Where mail the mailbox's rules judge spam is filed (SPEC section 4). */
    public static final String JUNK = "Junk";

    private FolderName() {}

    /**
     * The name as stored: INBOX, and the first level of INBOX's children, spelled in capitals.
     *
     * @throws IllegalArgumentException naming what is wrong with it
     */
    public static String canonical(String name) {
        Optional<String> problem = problem(name);
        if (problem.isPresent()) {
            throw new IllegalArgumentException(problem.get());
        }
        int end = name.indexOf(SEPARATOR);
        String first = end < 0 ? name : name.substring(0, end);
        return first.toUpperCase(Locale.ROOT).equals(INBOX) ? INBOX + name.substring(first.length()) : name;
    }

    /** Why {@code name} cannot name a folder, if it cannot. */
    public static Optional<String> problem(String name) {
        if (name.isEmpty()) {
            return Optional.of("a folder name cannot be empty");
        }
        if (name.length() > MAX_LENGTH) {
            return Optional.of("a folder name is at most " + MAX_LENGTH + " characters");
        }
        if (name.charAt(0) == SEPARATOR || name.charAt(name.length() - 1) == SEPARATOR
                || name.contains("//")) {
            return Optional.of("a folder name cannot start or end with '/' or have an empty level");
        }
        if (name.chars().filter(c -> c == SEPARATOR).count() >= MAX_DEPTH) {
            return Optional.of("folders nest at most " + MAX_DEPTH + " levels deep");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7F || c == '*' || c == '%') {
                return Optional.of("a folder name cannot contain control characters, '*' or '%'");
            }
        }
        return Optional.empty();
    }

    /** Whether {@code name} is {@code parent} or one of the folders under it. */
    static boolean isWithin(String name, String parent) {
        return name.equals(parent) || name.startsWith(parent + SEPARATOR);
    }
}
