package dev.postillion.mta.imap;

import dev.postillion.mailbox.MailStore;
import dev.postillion.mailbox.MailboxEdit;
import dev.postillion.mailbox.MessageFlags;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.roaringbitmap.RoaringBitmap;

/**
 * The commands of the selected state (RFC 9051 section 6.4): CLOSE, UNSELECT, EXPUNGE, SEARCH,
 * FETCH, STORE, COPY, MOVE, and their UID forms (RFC 4315's UID EXPUNGE, RFC 6851's MOVE).
 * Changes go to the mailbox actor; the untagged responses follow what it answered.
 */
final class SelectedCommands {

    private final ImapSession session;
    private final ImapContext context;
    private final MailStore store;
    private final String address;
    private final SelectedFolder selected;

    SelectedCommands(ImapSession session, ImapContext context, MailStore store, String address,
            SelectedFolder selected) {
        this.session = session;
        this.context = context;
        this.store = store;
        this.address = address;
        this.selected = selected;
    }

    void run(String tag, String name, CommandReader reader) {
        boolean byUid = name.equals("UID");
        String command = name;
        if (byUid) {
            reader.space();
            command = reader.atom().toUpperCase(Locale.ROOT);
        }
        switch (command) {
            case "CLOSE", "UNSELECT" -> close(tag, command, reader);
            case "EXPUNGE" -> expunge(tag, byUid, reader);
            case "FETCH" -> new FetchCommand(session, store, address, selected).run(tag, byUid, reader);
            case "SEARCH" -> new SearchCommand(session, store, address, selected).run(tag, byUid, reader);
            case "STORE" -> store(tag, byUid, reader);
            case "COPY", "MOVE" -> copy(tag, byUid, command, reader);
            default -> session.finish(tag, "BAD unknown command " + (byUid ? "UID " : "") + command);
        }
    }

    /** CLOSE expunges silently, unless the folder is read-only; UNSELECT does not (RFC 3691). */
    private void close(String tag, String command, CommandReader reader) {
        reader.end();
        session.unselect();
        if (command.equals("UNSELECT") || selected.readOnly) {
            session.finish(tag, "OK " + command + " completed");
            return;
        }
        session.await(context.mailboxes().edit(address, new MailboxEdit.Expunge(selected.name, null)), tag,
                edited -> session.finish(tag, "OK CLOSE completed"));
    }

    private void expunge(String tag, boolean byUid, CommandReader reader) {
        RoaringBitmap uids = null;
        if (byUid) {
            reader.space();
            uids = selected.uids(reader.sequenceSet(), true);
        }
        reader.end();
        if (selected.readOnly) {
            session.finish(tag, "NO [READ-ONLY] the folder was opened with EXAMINE");
            return;
        }
        session.await(context.mailboxes().edit(address, new MailboxEdit.Expunge(selected.name, uids)), tag,
                edited -> {
                    if (!edited.succeeded()) {
                        session.finishWith(FolderCommands.answer(tag, "EXPUNGE", edited, ""));
                        return;
                    }
                    expunged(edited.expunged());
                    session.catchUpThen(tag, "OK EXPUNGE completed", true);
                });
    }

    /** Tells the client these uids are gone, highest first, so that each sequence number holds when sent. */
    private void expunged(List<Long> uids) {
        uids.stream().sorted((a, b) -> Long.compare(b, a)).filter(uid -> selected.uids.contains((int) (long) uid))
                .forEach(uid -> {
                    session.send("* " + selected.sequence(uid) + " EXPUNGE");
                    selected.uids.remove((int) (long) uid);
                });
    }

    /** STORE (RFC 9051 section 6.4.6) with CONDSTORE's UNCHANGEDSINCE (RFC 7162 section 3.1.3). */
    private void store(String tag, boolean byUid, CommandReader reader) {
        reader.space();
        RoaringBitmap uids = selected.uids(reader.sequenceSet(), byUid);
        reader.space();
        long unchangedSince = -1;
        if (reader.take('(')) {
            String modifier = reader.atom();
            if (!modifier.equalsIgnoreCase("UNCHANGEDSINCE")) {
                throw new CommandReader.BadSyntax("no such STORE modifier: " + modifier);
            }
            reader.space();
            unchangedSince = reader.number();
            reader.expect(')');
            reader.space();
        }
        String item = reader.atom().toUpperCase(Locale.ROOT);
        MessageFlags.Change change = switch (item.replace(".SILENT", "")) {
            case "FLAGS" -> MessageFlags.Change.REPLACE;
            case "+FLAGS" -> MessageFlags.Change.ADD;
            case "-FLAGS" -> MessageFlags.Change.REMOVE;
            default -> throw new CommandReader.BadSyntax("STORE takes FLAGS, +FLAGS or -FLAGS, not " + item);
        };
        boolean silent = item.endsWith(".SILENT");
        reader.space();
        MessageFlags flags = ImapFlags.parse(reader.peek('(') ? reader.atomList() : List.of(reader.flag()));
        reader.end();
        if (selected.readOnly) {
            session.finish(tag, "NO [READ-ONLY] the folder was opened with EXAMINE");
            return;
        }
        long condition = unchangedSince;
        session.await(context.mailboxes().edit(address, new MailboxEdit.SetFlags(selected.name, uids, change, flags,
                condition)), tag, edited -> stored(tag, byUid, silent, condition >= 0, edited));
    }

    private void stored(String tag, boolean byUid, boolean silent, boolean conditional, MailboxEdit.Edited edited) {
        if (!edited.succeeded()) {
            session.finishWith(FolderCommands.answer(tag, "STORE", edited, ""));
            return;
        }
        for (MailboxEdit.FlagsChanged changed : edited.changed()) {
            selected.told(changed.uid(), changed.modSeq());
            // RFC 7162 section 3.1.3: with UNCHANGEDSINCE, even .SILENT reports the new modseq.
            if (selected.uids.contains((int) changed.uid()) && (!silent || conditional || session.condStore())) {
                String flags = silent ? "" : "FLAGS " + ImapFlags.list(changed.flags());
                String modSeq = session.condStore() || conditional ? "MODSEQ (" + changed.modSeq() + ")" : "";
                session.send("* " + selected.sequence(changed.uid()) + " FETCH (" + String.join(" ",
                        List.of(byUid ? "UID " + changed.uid() : "", flags, modSeq).stream()
                                .filter(part -> !part.isEmpty()).toList()) + ")");
            }
        }
        String modified = edited.modified().isEmpty() ? "" : "[MODIFIED " + edited.modified().stream()
                .map(uid -> String.valueOf(byUid ? uid : selected.sequence(uid))).collect(Collectors.joining(","))
                + "] ";
        session.catchUpThen(tag, "OK " + modified + "STORE completed", false);
    }

    /** COPY and MOVE with UIDPLUS's COPYUID (RFC 4315, RFC 6851 section 4.3). */
    private void copy(String tag, boolean byUid, String command, CommandReader reader) {
        reader.space();
        RoaringBitmap uids = selected.uids(reader.sequenceSet(), byUid);
        reader.space();
        String target = FolderCommands.folderName(reader.astring(), session.rev2());
        reader.end();
        boolean move = command.equals("MOVE");
        if (move && selected.readOnly) {
            session.finish(tag, "NO [READ-ONLY] the folder was opened with EXAMINE");
            return;
        }
        MailboxEdit edit = move ? new MailboxEdit.Move(selected.name, uids, target)
                : new MailboxEdit.Copy(selected.name, uids, target);
        session.await(context.mailboxes().edit(address, edit), tag, edited -> {
            if (!edited.succeeded()) {
                session.finishWith(FolderCommands.answer(tag, command, edited, ""));
                return;
            }
            String copyUid = edited.uids().isEmpty() ? "" : "[COPYUID " + edited.uidValidity() + " "
                    + join(edited.sourceUids()) + " " + join(edited.uids()) + "] ";
            if (move) {
                // RFC 6851 section 4.3: COPYUID comes untagged before the expunges.
                if (!copyUid.isEmpty()) {
                    session.send("* OK " + copyUid.trim());
                }
                expunged(edited.expunged());
                session.catchUpThen(tag, "OK MOVE completed", true);
            } else {
                session.catchUpThen(tag, "OK " + copyUid + "COPY completed", false);
            }
        });
    }

    private static String join(List<Long> uids) {
        return uids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
