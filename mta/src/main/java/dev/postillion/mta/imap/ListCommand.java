package dev.postillion.mta.imap;

import dev.postillion.mailbox.Folder;
import dev.postillion.mailbox.FolderName;
import dev.postillion.mailbox.MailStore;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * LIST (RFC 9051 section 6.3.9) with LIST-EXTENDED's selection and return options and several
 * patterns (RFC 5258), LIST-STATUS (RFC 5819) and SPECIAL-USE (RFC 6154), and IMAP4rev1's LSUB
 * (RFC 3501 section 6.3.9). Every listed folder says whether it has children, its special use
 * and whether it is subscribed, asked for or not (RFC 5258 section 3.4 allows this).
 */
record ListCommand(MailStore store, String address, boolean rev2) {

    private static final Set<String> SELECTION = Set.of("SUBSCRIBED", "REMOTE", "RECURSIVEMATCH", "SPECIAL-USE");

    /** What a LIST asks for besides its patterns. */
    private record Options(Set<String> selection, List<String> statusItems) {
        boolean subscribed() {
            return selection.contains("SUBSCRIBED");
        }

        boolean recursiveMatch() {
            return selection.contains("RECURSIVEMATCH");
        }
    }

    CompletionStage<byte[]> run(String tag, boolean lsub, CommandReader reader) {
        reader.space();
        Set<String> selection = new LinkedHashSet<>();
        if (!lsub && reader.peek('(')) {
            reader.atomList().forEach(option -> selection.add(option.toUpperCase(Locale.ROOT)));
            reader.space();
        }
        String reference = pattern(reader);
        reader.space();
        List<String> patterns = new ArrayList<>();
        if (!lsub && reader.take('(')) {
            do {
                patterns.add(pattern(reader));
            } while (reader.take(' '));
            reader.expect(')');
        } else {
            patterns.add(pattern(reader));
        }
        List<String> statusItems = !lsub && reader.take(' ') ? returnOptions(reader) : List.of();
        reader.end();
        checkSelection(selection);
        String command = lsub ? "LSUB" : "LIST";
        if (patterns.size() == 1 && patterns.get(0).isEmpty()) {
            return FolderCommands.done("* " + command + " (\\Noselect) \"/\" \"\"\r\n" + tag + " OK " + command
                    + " completed");
        }
        Options options = new Options(selection, statusItems);
        return store.folders(address).thenApply(folders -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TreeMap<String, Folder> byName = byName(folders);
            for (String name : withParents(byName.keySet())) {
                if (patterns.stream().anyMatch(pattern -> matches(reference + pattern, name))) {
                    if (lsub) {
                        subscribed(out, name, byName, patterns.stream().map(pattern -> reference + pattern).toList());
                    } else {
                        listed(out, name, byName, options);
                    }
                }
            }
            out.writeBytes(ImapSession.line(tag + " OK " + command + " completed"));
            return out.toByteArray();
        });
    }

    private String pattern(CommandReader reader) {
        String pattern = reader.listMailbox();
        return rev2 ? pattern : ModifiedUtf7.decode(pattern);
    }

    /** RFC 5258 section 3: RECURSIVEMATCH needs another selection option than REMOTE. */
    private static void checkSelection(Set<String> selection) {
        for (String option : selection) {
            if (!SELECTION.contains(option)) {
                throw new CommandReader.BadSyntax("no such LIST selection option: " + option);
            }
        }
        Set<String> others = new TreeSet<>(selection);
        others.removeAll(Set.of("RECURSIVEMATCH", "REMOTE"));
        if (selection.contains("RECURSIVEMATCH") && others.isEmpty()) {
            throw new CommandReader.BadSyntax("RECURSIVEMATCH needs another selection option, such as SUBSCRIBED");
        }
    }

    /**
     * {@code RETURN (...)} (RFC 5258 section 3.2): CHILDREN, SUBSCRIBED and SPECIAL-USE, which are
     * answered anyway, and LIST-STATUS's {@code STATUS (items)}, whose items this returns.
     */
    private List<String> returnOptions(CommandReader reader) {
        String word = reader.atom();
        if (!word.equalsIgnoreCase("RETURN")) {
            throw new CommandReader.BadSyntax("RETURN expected after the patterns, not " + word);
        }
        reader.space();
        reader.expect('(');
        List<String> statusItems = List.of();
        boolean first = true;
        while (!reader.take(')')) {
            if (!first) {
                reader.space();
            }
            first = false;
            String option = reader.atom().toUpperCase(Locale.ROOT);
            switch (option) {
                case "CHILDREN", "SUBSCRIBED", "SPECIAL-USE" -> { }
                case "STATUS" -> {
                    reader.space();
                    statusItems = FolderCommands.statusItems(reader, rev2);
                }
                default -> throw new CommandReader.BadSyntax("no such LIST return option: " + option);
            }
        }
        return statusItems;
    }

    /** The LIST response for {@code name} if the selection options keep it, and its STATUS. */
    private void listed(ByteArrayOutputStream out, String name, TreeMap<String, Folder> byName, Options options) {
        Folder folder = byName.get(name);
        boolean subscribed = folder != null && folder.subscribed();
        boolean childSubscribed = options.recursiveMatch() && byName.subMap(name + "/", name + "0").values().stream()
                .anyMatch(Folder::subscribed);
        if ((options.subscribed() && !subscribed && !childSubscribed)
                || (options.selection().contains("SPECIAL-USE") && (folder == null || folder.specialUse().isEmpty()))) {
            return;
        }
        // RFC 5258 section 3.5: a parent kept for its subscribed children says so.
        String childInfo = childSubscribed ? " (\"CHILDINFO\" (\"SUBSCRIBED\"))" : "";
        out.writeBytes(ImapSession.line("* LIST (" + attributes(name, folder, byName, false)
                + ") \"/\" " + FolderCommands.quotedName(name, rev2) + childInfo));
        if (!options.statusItems().isEmpty() && folder != null) {
            out.writeBytes(ImapSession.line(FolderCommands.statusResponse(folder, options.statusItems(), rev2)));
        }
    }

    /**
     * IMAP4rev1's LSUB response for {@code name}: a subscribed folder as LIST gives it; a name that
     * is not subscribed but stands for subscribed folders below it that the patterns do not reach
     * (foo for a subscribed foo/bar and the pattern "%"), with \Noselect (RFC 3501 section 6.3.9).
     */
    private void subscribed(ByteArrayOutputStream out, String name, TreeMap<String, Folder> byName,
            List<String> patterns) {
        Folder folder = byName.get(name);
        if (folder != null && folder.subscribed()) {
            out.writeBytes(ImapSession.line("* LSUB (" + attributes(name, folder, byName, true) + ") \"/\" "
                    + FolderCommands.quotedName(name, rev2)));
        } else if (byName.subMap(name + "/", name + "0").values().stream().anyMatch(below -> below.subscribed()
                && patterns.stream().noneMatch(pattern -> matches(pattern, below.name())))) {
            out.writeBytes(ImapSession.line("* LSUB (\\Noselect) \"/\" " + FolderCommands.quotedName(name, rev2)));
        }
    }

    /** The LIST response that SELECT and EXAMINE give an IMAP4rev2 client (RFC 9051 section 6.3.2). */
    static String listResponse(Folder folder, List<Folder> folders, boolean rev2) {
        return "* LIST (" + attributes(folder.name(), folder, byName(folders), false) + ") \"/\" "
                + FolderCommands.quotedName(folder.name(), rev2);
    }

    private static TreeMap<String, Folder> byName(List<Folder> folders) {
        TreeMap<String, Folder> byName = new TreeMap<>();
        folders.forEach(folder -> byName.put(folder.name(), folder));
        return byName;
    }

    /** The names and the parents they imply, which need not exist (RFC 9051 section 6.3.9's \NonExistent). */
    private static Set<String> withParents(Set<String> names) {
        Set<String> all = new TreeSet<>(names);
        for (String name : names) {
            for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
                all.add(name.substring(0, slash));
            }
        }
        return all;
    }

    /** The name's attributes; {@code lsub} leaves \Subscribed out, which LSUB's answer says by itself. */
    private static String attributes(String name, Folder folder, TreeMap<String, Folder> byName, boolean lsub) {
        List<String> attributes = new ArrayList<>();
        if (folder == null) {
            attributes.add("\\NonExistent \\Noselect");
        } else if (!folder.specialUse().isEmpty()) {
            attributes.add("\\" + folder.specialUse());
        }
        String child = byName.ceilingKey(name + "/");
        boolean children = child != null && child.startsWith(name + "/");
        attributes.add(children ? "\\HasChildren" : "\\HasNoChildren");
        if (!lsub && folder != null && folder.subscribed()) {
            attributes.add("\\Subscribed");
        }
        return String.join(" ", attributes);
    }

    /**
     * RFC 9051 section 6.3.9: '*' matches anything, '%' anything but the hierarchy separator; a
     * pattern's INBOX matches in any case, as the name does.
     */
    static boolean matches(String pattern, String name) {
        String canonical = pattern.regionMatches(true, 0, FolderName.INBOX, 0, 5)
                && (pattern.length() == 5 || pattern.charAt(5) == '/') ? FolderName.INBOX + pattern.substring(5) : pattern;
        StringBuilder regex = new StringBuilder();
        for (char c : canonical.toCharArray()) {
            regex.append(c == '*' ? ".*" : c == '%' ? "[^/]*" : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(regex.toString()).matcher(name).matches();
    }
}
