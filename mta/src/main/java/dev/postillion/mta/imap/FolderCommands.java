package dev.postillion.mta.imap;

import dev.postillion.mailbox.Folder;
import dev.postillion.mailbox.FolderName;
import dev.postillion.mailbox.MailStore;
import dev.postillion.mailbox.MailboxEdit;
import dev.postillion.mailbox.MessageFlags;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * The commands of the authenticated state about folders (RFC 9051 sections 6.3.3 to 6.3.12):
 * CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, LIST and LSUB, STATUS, APPEND. Each answers with
 * its untagged lines and its tagged response; reads go to the store, changes to the mailbox actor.
 */
final class FolderCommands {

    /** RFC 9051 {@code date-time}: "dd-MMM-yyyy HH:mm:ss +zzzz", the day possibly with a space. */
    static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss Z", Locale.ROOT);

    private final ImapContext context;
    private final MailStore store;
    private final String address;

    FolderCommands(ImapContext context, MailStore store, String address) {
        this.context = context;
        this.store = store;
        this.address = address;
    }

    /** A folder name as a client sent it: modified UTF-7 decoded, INBOX in capitals, no trailing '/'. */
    static String folderName(String wire) {
        String name = ModifiedUtf7.decode(wire);
        while (name.length() > 1 && name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
        }
        return FolderName.problem(name).isPresent() ? name : FolderName.canonical(name);
    }

    CompletionStage<byte[]> edit(String tag, String command, CommandReader reader) {
        reader.space();
        String name = folderName(reader.astring());
        MailboxEdit edit = switch (command) {
            case "CREATE" -> new MailboxEdit.CreateFolder(name);
            case "DELETE" -> new MailboxEdit.DeleteFolder(name);
            case "RENAME" -> {
                reader.space();
                yield new MailboxEdit.RenameFolder(name, folderName(reader.astring()));
            }
            default -> new MailboxEdit.Subscribe(name, command.equals("SUBSCRIBE"));
        };
        reader.end();
        if (command.equals("CREATE") && name.equals(FolderName.INBOX)) {
            return done(tag + " NO [ALREADYEXISTS] INBOX exists already");
        }
        return context.mailboxes().edit(address, edit)
                .thenApply(edited -> answer(tag, command, edited, ""));
    }

    /** The tagged response to an edit: OK with {@code code}, or NO with the refusal's response code. */
    static byte[] answer(String tag, String command, MailboxEdit.Edited edited, String code) {
        if (edited.succeeded()) {
            return ImapSession.line(tag + " OK " + code + command + " completed");
        }
        return ImapSession.line(tag + " NO [" + edited.refusal().reason() + "] " + edited.refusal().text());
    }

    /** LIST (with RFC 5258's selection options and RFC 6154's SPECIAL-USE) and LSUB. */
    CompletionStage<byte[]> list(String tag, boolean lsub, CommandReader reader) {
        reader.space();
        Set<String> options = new LinkedHashSet<>();
        if (reader.peek('(')) {
            reader.atomList().forEach(option -> options.add(option.toUpperCase(Locale.ROOT)));
            reader.space();
        }
        String reference = ModifiedUtf7.decode(reader.listMailbox());
        reader.space();
        List<String> patterns = new ArrayList<>();
        if (reader.peek('(')) {
            reader.expect('(');
            do {
                patterns.add(ModifiedUtf7.decode(reader.listMailbox()));
            } while (reader.take(' '));
            reader.expect(')');
        } else {
            patterns.add(ModifiedUtf7.decode(reader.listMailbox()));
        }
        if (reader.take(' ')) {
            reader.atom(); // RETURN (...): children, special use and subscriptions are always said
            reader.space();
            reader.atomList();
        }
        reader.end();
        String command = lsub ? "LSUB" : "LIST";
        if (patterns.size() == 1 && patterns.get(0).isEmpty()) {
            return done("* " + command + " (\\Noselect) \"/\" \"\"\r\n" + tag + " OK " + command + " completed");
        }
        boolean subscribedOnly = lsub || options.contains("SUBSCRIBED");
        boolean specialUseOnly = options.contains("SPECIAL-USE");
        return store.folders(address).thenApply(folders -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TreeMap<String, Folder> byName = new TreeMap<>();
            folders.forEach(folder -> byName.put(folder.name(), folder));
            for (String name : withParents(byName.keySet())) {
                Folder folder = byName.get(name);
                boolean matches = patterns.stream().anyMatch(pattern -> matches(reference + pattern, name));
                if (!matches || (subscribedOnly && (folder == null || !folder.subscribed()))
                        || (specialUseOnly && (folder == null || folder.specialUse().isEmpty()))) {
                    continue;
                }
                out.writeBytes(ImapSession.line("* " + command + " (" + attributes(name, folder, byName, lsub)
                        + ") \"/\" " + quotedName(name)));
            }
            out.writeBytes(ImapSession.line(tag + " OK " + command + " completed"));
            return out.toByteArray();
        });
    }

    /** The names and the parents they imply, which need not exist (RFC 9051 section 6.3.9's \NonExistent). */
    private static Set<String> withParents(Set<String> names) {
        Set<String> all = new java.util.TreeSet<>(names);
        for (String name : names) {
            for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
                all.add(name.substring(0, slash));
            }
        }
        return all;
    }

    private static String attributes(String name, Folder folder, TreeMap<String, Folder> byName, boolean lsub) {
        List<String> attributes = new ArrayList<>();
        if (folder == null) {
            attributes.add(lsub ? "\\Noselect" : "\\NonExistent \\Noselect");
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

    static String quotedName(String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImapStrings.string(out, ModifiedUtf7.encode(name));
        return out.toString(java.nio.charset.StandardCharsets.US_ASCII);
    }

    CompletionStage<byte[]> status(String tag, CommandReader reader) {
        reader.space();
        String name = folderName(reader.astring());
        reader.space();
        List<String> items = reader.atomList();
        reader.end();
        return store.folder(address, name).thenApply(found -> {
            if (found.isEmpty()) {
                return ImapSession.line(tag + " NO [NONEXISTENT] no folder " + name);
            }
            Folder folder = found.get();
            List<String> values = new ArrayList<>();
            for (String item : items) {
                String upper = item.toUpperCase(Locale.ROOT);
                long value = switch (upper) {
                    case "MESSAGES" -> folder.messages();
                    case "RECENT" -> 0;
                    case "UIDNEXT" -> folder.uidNext();
                    case "UIDVALIDITY" -> folder.uidValidity();
                    case "UNSEEN" -> folder.unseen();
                    case "HIGHESTMODSEQ" -> folder.highestModSeq();
                    default -> throw new CommandReader.BadSyntax("no such STATUS item: " + item);
                };
                values.add(upper + " " + value);
            }
            return ImapSession.line("* STATUS " + quotedName(name) + " (" + String.join(" ", values) + ")\r\n"
                    + tag + " OK STATUS completed");
        });
    }

    /** APPEND (RFC 9051 section 6.3.12) with UIDPLUS's APPENDUID (RFC 4315). */
    CompletionStage<byte[]> append(String tag, CommandReader reader) {
        reader.space();
        String name = folderName(reader.astring());
        reader.space();
        MessageFlags flags = MessageFlags.NONE;
        if (reader.peek('(')) {
            flags = ImapFlags.parse(reader.atomList());
            reader.space();
        }
        Instant internalDate = context.clock().instant();
        if (reader.peek('"')) {
            internalDate = dateTime(new String(reader.string(), java.nio.charset.StandardCharsets.US_ASCII));
            reader.space();
        }
        byte[] message = reader.string();
        reader.end();
        if (message.length == 0) {
            return done(tag + " NO an empty message cannot be appended");
        }
        return context.mailboxes().edit(address, new MailboxEdit.Append(name, message, flags, internalDate))
                .thenApply(edited -> answer(tag, "APPEND", edited, edited.succeeded()
                        ? "[APPENDUID " + edited.uidValidity() + " " + edited.uids().get(0) + "] " : ""));
    }

    static Instant dateTime(String text) {
        try {
            return ZonedDateTime.parse(text.startsWith(" ") ? "0" + text.substring(1) : text, DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new CommandReader.BadSyntax("not an IMAP date-time: \"" + text + "\"");
        }
    }

    private static CompletionStage<byte[]> done(String lines) {
        return java.util.concurrent.CompletableFuture.completedFuture(ImapSession.line(lines));
    }
}
