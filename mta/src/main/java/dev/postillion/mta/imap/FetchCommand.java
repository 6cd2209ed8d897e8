package dev.postillion.mta.imap;

import dev.postillion.mailbox.MailMessage;
import dev.postillion.mailbox.MailStore;
import dev.postillion.mailbox.MailboxEdit;
import dev.postillion.mailbox.MessageFlags;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.roaringbitmap.RoaringBitmap;

/**
 * FETCH and UID FETCH (RFC 9051 section 6.4.5) with CONDSTORE's MODSEQ and CHANGEDSINCE (RFC 7162
 * section 3.1.4). The messages are read and answered a few at a time, each batch written before
 * the next is read, so that fetching a whole folder holds one batch in memory, not the folder.
 */
final class FetchCommand {

    /**
     * Messages whose records are read at once; of those, the ones whose content is asked for are
     * read and answered in runs that fit the node's content memory ({@link ImapSession#withContent}).
     */
    private static final int BATCH = 500;

    /** One thing asked for: {@code name} as the response names it. */
    record Item(String name, String section, long origin, long length, boolean setsSeen) {
        boolean needsContent() {
            return section != null || name.equals("ENVELOPE") || name.equals("BODY") || name.equals("BODYSTRUCTURE");
        }
    }

    private final ImapSession session;
    private final MailStore store;
    private final String address;
    private final SelectedFolder selected;
    /** A BINARY item met a Content-Transfer-Encoding it cannot undo (RFC 3516 section 4.3). */
    private boolean unknownEncoding;

    FetchCommand(ImapSession session, MailStore store, String address, SelectedFolder selected) {
        this.session = session;
        this.store = store;
        this.address = address;
        this.selected = selected;
    }

    void run(String tag, boolean byUid, CommandReader reader) {
        reader.space();
        RoaringBitmap uids = selected.uids(reader.sequenceSet(), byUid);
        reader.space();
        List<Item> items = items(reader);
        long changedSince = -1;
        if (reader.take(' ')) {
            reader.expect('(');
            String modifier = reader.atom();
            if (!modifier.equalsIgnoreCase("CHANGEDSINCE")) {
                throw new CommandReader.BadSyntax("no such FETCH modifier: " + modifier);
            }
            reader.space();
            changedSince = reader.number();
            reader.expect(')');
        }
        reader.end();
        List<Item> asked = new ArrayList<>(items);
        if (byUid && asked.stream().noneMatch(item -> item.name().equals("UID"))) {
            asked.add(0, new Item("UID", null, -1, -1, false));
        }
        // RFC 7162 section 3.1.4.1: CHANGEDSINCE implies MODSEQ.
        if (changedSince >= 0 && asked.stream().noneMatch(item -> item.name().equals("MODSEQ"))) {
            asked.add(new Item("MODSEQ", null, -1, -1, false));
        }
        batches(tag, uids.toArray(), 0, asked, changedSince);
    }

    private void batches(String tag, int[] uids, int from, List<Item> items, long changedSince) {
        if (from >= uids.length) {
            session.catchUpThen(tag, unknownEncoding ? "NO [UNKNOWN-CTE] a part's Content-Transfer-Encoding is"
                    + " none this server can decode" : "OK FETCH completed", false);
            return;
        }
        RoaringBitmap batch = RoaringBitmap.bitmapOf(Arrays.copyOfRange(uids, from, Math.min(uids.length, from + BATCH)));
        Runnable next = () -> batches(tag, uids, from + BATCH, items, changedSince);
        session.await(records(batch, items, changedSince), tag, records -> {
            if (items.stream().anyMatch(Item::needsContent)) {
                session.withContent(tag, records, Record::message, (record, content) -> respond(record, content, items),
                        session::flush, next);
            } else {
                records.forEach(record -> respond(record, null, items));
                session.await(session.flush(), tag, written -> next.run());
            }
        });
    }

    private CompletionStage<List<Record>> records(RoaringBitmap uids, List<Item> items, long changedSince) {
        boolean setsSeen = !selected.readOnly && items.stream().anyMatch(Item::setsSeen);
        return store.messages(address, selected.id, uids).thenCompose(found -> {
            List<MailMessage> messages = found.stream().filter(message -> message.modSeq() > changedSince).toList();
            return setsSeen ? seen(messages) : CompletableFuture.completedFuture(records(messages));
        });
    }

    /** A message's record, and whether this fetch set its \Seen. */
    private record Record(MailMessage message, boolean seenNow) {}

    /** Marks \Seen the messages whose content is fetched without PEEK (RFC 9051 section 6.4.5). */
    private CompletionStage<List<Record>> seen(List<MailMessage> messages) {
        RoaringBitmap unseen = new RoaringBitmap();
        messages.stream().filter(message -> !message.flags().has(MessageFlags.SEEN))
                .forEach(message -> unseen.add((int) message.uid()));
        if (unseen.isEmpty()) {
            return CompletableFuture.completedFuture(records(messages));
        }
        return session.edit(new MailboxEdit.SetFlags(selected.name, unseen, MessageFlags.Change.ADD,
                new MessageFlags(MessageFlags.SEEN, List.of()), -1)).thenApply(edited -> messages.stream()
                .map(message -> edited.changed().stream().filter(changed -> changed.uid() == message.uid()).findFirst()
                        .map(changed -> new Record(new MailMessage(message.uid(), message.contentId(),
                                changed.flags(), message.internalDate(), message.size(), changed.modSeq(),
                                message.from(), message.subject(), message.messageId(), message.returnPath(),
                                message.queueId()), true))
                        .orElse(new Record(message, false)))
                .toList());
    }

    private static List<Record> records(List<MailMessage> messages) {
        return messages.stream().map(message -> new Record(message, false)).toList();
    }

    private void respond(Record record, byte[] content, List<Item> items) {
        MailMessage message = record.message();
        if (!selected.uids.contains((int) message.uid())) {
            return; // new since the client last heard: it learns of it with EXISTS first
        }
        MessageStructure structure = content == null ? null : MessageStructure.parse(content);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, "* " + selected.sequence(message.uid()) + " FETCH (");
        boolean first = true;
        for (Item item : items) {
            if (!first) {
                out.write(' ');
            }
            first = false;
            if (!item(out, item, message, structure)) {
                unknownEncoding = true;
                return;
            }
        }
        if (record.seenNow()) {
            // The client hears of the \Seen it caused here, not again from the next catch-up.
            selected.told(message.uid(), message.modSeq());
            if (items.stream().noneMatch(item -> item.name().equals("FLAGS"))) {
                write(out, " FLAGS " + ImapFlags.list(message.flags()));
            }
        }
        write(out, ")\r\n");
        session.out(out.toByteArray());
    }

    /** Writes {@code item}; false when it is a BINARY one whose encoding is unknown. */
    private static boolean item(ByteArrayOutputStream out, Item item, MailMessage message, MessageStructure structure) {
        switch (item.name()) {
            case "UID" -> write(out, "UID " + message.uid());
            case "FLAGS" -> write(out, "FLAGS " + ImapFlags.list(message.flags()));
            case "MODSEQ" -> write(out, "MODSEQ (" + message.modSeq() + ")");
            case "INTERNALDATE" -> write(out, "INTERNALDATE \"" + FolderCommands.DATE_TIME.format(
                    message.internalDate().atZone(ZoneOffset.UTC)) + "\"");
            case "RFC822.SIZE" -> write(out, "RFC822.SIZE " + message.size());
            case "ENVELOPE" -> {
                write(out, "ENVELOPE ");
                structure.envelope(out);
            }
            case "BODYSTRUCTURE", "BODY" -> {
                write(out, item.name() + " ");
                structure.bodyStructure(out, item.name().equals("BODYSTRUCTURE"));
            }
            default -> {
                return item.name().startsWith("BINARY") ? binary(out, item, structure) : section(out, item, structure);
            }
        }
        return true;
    }

    private static boolean section(ByteArrayOutputStream out, Item item, MessageStructure structure) {
        Optional<byte[]> bytes = structure.section(item.section());
        label(out, item);
        if (bytes.isEmpty()) {
            write(out, "NIL");
        } else {
            ImapStrings.literal(out, withoutNul(partial(item, bytes.get())));
        }
        return true;
    }

    /**
     * A literal holds no NUL (RFC 9051 section 4.3, {@code CHAR8}); a message stored with one
     * (appended as a literal8, RFC 3516) has each given as 0x80 outside BINARY, as Dovecot does.
     */
    private static byte[] withoutNul(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                bytes[i] = (byte) 0x80;
            }
        }
        return bytes;
    }

    /**
     * BINARY[part]&lt;partial&gt; and BINARY.SIZE[part] (RFC 3516 section 4.2): the decoded body, as a
     * literal8 ({@code ~{n}}) when it holds a NUL, else as a literal.
     */
    private static boolean binary(ByteArrayOutputStream out, Item item, MessageStructure structure) {
        MessageStructure.Binary binary = structure.binary(item.section());
        if (binary instanceof MessageStructure.UnknownEncoding) {
            return false;
        }
        boolean size = item.name().startsWith("BINARY.SIZE");
        label(out, item);
        if (!(binary instanceof MessageStructure.Decoded decoded)) {
            write(out, size ? "0" : "NIL");
        } else if (size) {
            write(out, String.valueOf(decoded.bytes().length));
        } else {
            byte[] bytes = partial(item, decoded.bytes());
            for (byte b : bytes) {
                if (b == 0) {
                    out.write('~');
                    break;
                }
            }
            ImapStrings.literal(out, bytes);
        }
        return true;
    }

    /** The item's name in the response, with a partial fetch's origin: "BODY[TEXT]<0> ". */
    private static void label(ByteArrayOutputStream out, Item item) {
        write(out, item.name() + (item.origin() >= 0 ? "<" + item.origin() + ">" : "") + " ");
    }

    /** The octets a partial fetch ({@code <origin.length>}) asks for, or all of them. */
    private static byte[] partial(Item item, byte[] whole) {
        int start = (int) Math.min(whole.length, Math.max(0, item.origin()));
        int end = item.length() < 0 ? whole.length : (int) Math.min(whole.length, start + item.length());
        return Arrays.copyOfRange(whole, start, end);
    }

    /** The items asked for, with RFC 9051's macros ALL, FAST and FULL spelt out. */
    static List<Item> items(CommandReader reader) {
        List<Item> items = new ArrayList<>();
        if (reader.take('(')) {
            do {
                items.add(item(reader));
            } while (reader.take(' '));
            reader.expect(')');
            return items;
        }
        String first = reader.itemName().toUpperCase(Locale.ROOT);
        List<String> macro = switch (first) {
            case "ALL" -> List.of("FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE");
            case "FAST" -> List.of("FLAGS", "INTERNALDATE", "RFC822.SIZE");
            case "FULL" -> List.of("FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY");
            default -> null;
        };
        if (macro != null) {
            macro.forEach(name -> items.add(new Item(name, null, -1, -1, false)));
            return items;
        }
        items.add(item(first, reader));
        return items;
    }

    private static Item item(CommandReader reader) {
        return item(reader.itemName().toUpperCase(Locale.ROOT), reader);
    }

    private static Item item(String name, CommandReader reader) {
        switch (name) {
            case "UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODYSTRUCTURE", "MODSEQ" -> {
                return new Item(name, null, -1, -1, false);
            }
            case "RFC822" -> {
                return new Item("RFC822", "", -1, -1, true);
            }
            case "RFC822.HEADER" -> {
                return new Item("RFC822.HEADER", "HEADER", -1, -1, false);
            }
            case "RFC822.TEXT" -> {
                return new Item("RFC822.TEXT", "TEXT", -1, -1, true);
            }
            case "BODY", "BODY.PEEK" -> {
                if (!reader.peek('[')) {
                    if (name.equals("BODY.PEEK")) {
                        throw new CommandReader.BadSyntax("BODY.PEEK needs a section: BODY.PEEK[...]");
                    }
                    return new Item("BODY", null, -1, -1, false);
                }
                String bracketed = reader.bracketed();
                String section = bracketed.substring(1, bracketed.length() - 1).toUpperCase(Locale.ROOT);
                if (SectionSpec.parse(section).isEmpty()) {
                    throw new CommandReader.BadSyntax("not a section of a message: [" + section + "]");
                }
                return withPartial("BODY[" + section + "]", section, name.equals("BODY"), reader);
            }
            case "BINARY", "BINARY.PEEK", "BINARY.SIZE" -> {
                return binaryItem(name, reader);
            }
            default -> throw new CommandReader.BadSyntax("no such FETCH item: " + name);
        }
    }

    /** BINARY[part]&lt;partial&gt;, BINARY.PEEK[...] and BINARY.SIZE[part] (RFC 3516 section 4.1). */
    private static Item binaryItem(String name, CommandReader reader) {
        if (!reader.peek('[')) {
            throw new CommandReader.BadSyntax(name + " needs a section: " + name + "[...]");
        }
        String bracketed = reader.bracketed();
        String part = bracketed.substring(1, bracketed.length() - 1);
        if (!part.isEmpty() && SectionSpec.parse(part).filter(spec -> spec.kind() == SectionSpec.Kind.BODY).isEmpty()) {
            throw new CommandReader.BadSyntax("not a section-part of " + name + ": [" + part + "]");
        }
        if (name.equals("BINARY.SIZE")) {
            return new Item("BINARY.SIZE[" + part + "]", part, -1, -1, false);
        }
        return withPartial("BINARY[" + part + "]", part, name.equals("BINARY"), reader);
    }

    /** An item of a section, with the partial fetch ({@code <origin.length>}) that may follow. */
    private static Item withPartial(String name, String section, boolean setsSeen, CommandReader reader) {
        long origin = -1;
        long length = -1;
        if (reader.take('<')) {
            origin = reader.number();
            reader.expect('.');
            length = reader.number();
            reader.expect('>');
        }
        return new Item(name, section, origin, length, setsSeen);
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    }
}
