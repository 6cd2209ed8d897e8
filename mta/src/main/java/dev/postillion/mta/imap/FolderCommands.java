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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;

/**
 * The commands of the authenticated state about folders (RFC 9051 sections 6.3.3 to 6.3.12):
 * CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, STATUS, APPEND ({@link ListCommand} has LIST
 * and LSUB, {@link SelectCommand} SELECT and EXAMINE). Each answers with its untagged lines and its
 * tagged response; reads go to the store, changes to the mailbox actor.
 */
final class FolderCommands {

    /** RFC 9051 {@code date-time}: "dd-MMM-yyyy HH:mm:ss +zzzz", the day possibly with a space. */
    static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss Z", Locale.ROOT);

    private final ImapContext context;
    private final MailStore store;
    private final String address;
    private final boolean rev2;

    FolderCommands(ImapContext context, MailStore store, String address, boolean rev2) {
        this.context = context;
        this.store = store;
        this.address = address;
        this.rev2 = rev2;
    }

    /**
     * A folder name as a client sent it: INBOX in capitals, no trailing '/', and from an IMAP4rev1
     * client modified UTF-7 decoded (an IMAP4rev2 one sends UTF-8, RFC 9051 section 5.1).
     */
    static String folderName(String wire, boolean rev2) {
        String name = rev2 ? wire : ModifiedUtf7.decode(wire);
        while (name.length() > 1 && name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
        }
        return FolderName.problem(name).isPresent() ? name : FolderName.canonical(name);
    }

    CompletionStage<byte[]> edit(String tag, String command, CommandReader reader) {
        reader.space();
        String name = folderName(reader.astring(), rev2);
        MailboxEdit edit = switch (command) {
            case "CREATE" -> new MailboxEdit.CreateFolder(name);
            case "DELETE" -> new MailboxEdit.DeleteFolder(name);
            case "RENAME" -> {
                reader.space();
                yield new MailboxEdit.RenameFolder(name, folderName(reader.astring(), rev2));
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

    /**
     * A folder name as a response gives it: in modified UTF-7 to an IMAP4rev1 client (RFC 3501
     * section 5.1.3), as UTF-8 to an IMAP4rev2 one (RFC 9051 section 5.1).
     */
    static String quotedName(String name, boolean rev2) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImapStrings.string(out, rev2 ? name : ModifiedUtf7.encode(name), rev2);
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** STATUS (RFC 9051 section 6.3.11). */
    CompletionStage<byte[]> status(String tag, CommandReader reader) {
        reader.space();
        String name = folderName(reader.astring(), rev2);
        reader.space();
        List<String> items = statusItems(reader, rev2);
        reader.end();
        return store.folder(address, name).thenApply(found -> found.isEmpty()
                ? ImapSession.line(tag + " NO [NONEXISTENT] no folder " + name)
                : ImapSession.line(statusResponse(found.get(), items, rev2) + "\r\n" + tag + " OK STATUS completed"));
    }

    /**
     * The parenthesized STATUS items, in capitals: RFC 9051 section 6.3.11's (with SIZE, also RFC
     * 8438's STATUS=SIZE, and DELETED), CONDSTORE's HIGHESTMODSEQ (RFC 7162 section 3.1.6), and
     * for IMAP4rev1 clients RECENT, always 0 (RFC 9051 has no \Recent).
     */
    static List<String> statusItems(CommandReader reader, boolean rev2) {
        List<String> items = new ArrayList<>();
        for (String item : reader.atomList()) {
            String upper = item.toUpperCase(Locale.ROOT);
            switch (upper) {
                case "MESSAGES", "UIDNEXT", "UIDVALIDITY", "UNSEEN", "DELETED", "SIZE", "HIGHESTMODSEQ" ->
                        items.add(upper);
                case "RECENT" -> {
                    if (rev2) {
                        throw new CommandReader.BadSyntax("RECENT is no STATUS item of IMAP4rev2");
                    }
                    items.add(upper);
                }
                default -> throw new CommandReader.BadSyntax("no such STATUS item: " + item);
            }
        }
        return items;
    }

    /** The STATUS response of {@code folder} with {@code items} (for STATUS and LIST-STATUS, RFC 5819). */
    static String statusResponse(Folder folder, List<String> items, boolean rev2) {
        List<String> values = new ArrayList<>();
        for (String item : items) {
            long value = switch (item) {
                case "MESSAGES" -> folder.messages();
                case "UIDNEXT" -> folder.uidNext();
                case "UIDVALIDITY" -> folder.uidValidity();
                case "UNSEEN" -> folder.unseen();
                case "DELETED" -> folder.deleted();
                case "SIZE" -> folder.size();
                case "HIGHESTMODSEQ" -> folder.highestModSeq();
                default -> 0; // RECENT
            };
            values.add(item + " " + value);
        }
        return "* STATUS " + quotedName(folder.name(), rev2) + " (" + String.join(" ", values) + ")";
    }

    /** APPEND (RFC 9051 section 6.3.12) with UIDPLUS's APPENDUID (RFC 4315). */
    CompletionStage<byte[]> append(String tag, CommandReader reader) {
        reader.space();
        String name = folderName(reader.astring(), rev2);
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

    static CompletionStage<byte[]> done(String lines) {
        return java.util.concurrent.CompletableFuture.completedFuture(ImapSession.line(lines));
    }
}
