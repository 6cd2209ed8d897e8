package dev.postillion.mta.mailimport;

import dev.postillion.mailbox.FolderName;
import dev.postillion.mta.mailimport.SourceMailbox.SourceFolder;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a source folder's messages go here: the same hierarchy with our separator, except that
 * the source's special-use folders (RFC 6154: \Sent, \Junk, \Trash, \Drafts, \Archive), whatever
 * the source calls them ("Sent Items", "Spam"...), are our folders of that use, their children
 * moving with them.
 */
final class FolderMapping {

    /** What our folder names cannot hold (FolderName.problem): a source level keeps the rest. */
    private static final Pattern NOT_IN_A_LEVEL = Pattern.compile("[\\x00-\\x1f\\x7f*%/]");

    private final List<SourceFolder> specialUse;

    FolderMapping(List<SourceFolder> folders) {
        // The deepest first, so that a special-use folder under another one wins.
        this.specialUse = folders.stream().filter(folder -> folder.specialUse().isPresent())
                .sorted(Comparator.comparingInt((SourceFolder folder) -> folder.name().length()).reversed())
                .toList();
    }

    String ours(SourceFolder folder) {
        if (folder.name().equalsIgnoreCase(FolderName.INBOX)) {
            return FolderName.INBOX;
        }
        Optional<SourceFolder> special = specialUse.stream().filter(use -> within(folder, use)).findFirst();
        String rest = special.map(use -> folder.name().substring(use.name().length())).orElse(folder.name());
        StringBuilder name = new StringBuilder(special.flatMap(SourceFolder::specialUse).orElse(""));
        for (String level : levels(rest, folder.separator())) {
            if (!level.isEmpty()) {
                name.append(name.isEmpty() ? "" : String.valueOf(FolderName.SEPARATOR))
                        .append(NOT_IN_A_LEVEL.matcher(level).replaceAll("_"));
            }
        }
        String mapped = name.toString();
        return FolderName.problem(mapped).isPresent() ? mapped : FolderName.canonical(mapped);
    }

    private static boolean within(SourceFolder folder, SourceFolder use) {
        return folder.name().equals(use.name())
                || folder.name().startsWith(use.name()) && folder.name().length() > use.name().length()
                        && folder.name().charAt(use.name().length()) == folder.separator();
    }

    /** A flat namespace (separator NIL) has one level per folder. */
    private static List<String> levels(String name, char separator) {
        return separator == 0 ? List.of(name) : List.of(name.split(Pattern.quote(String.valueOf(separator)), -1));
    }
}
