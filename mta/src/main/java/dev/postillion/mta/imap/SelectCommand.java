package dev.postillion.mta.imap;

import dev.postillion.mailbox.Folder;
import dev.postillion.mailbox.MailStore;
import java.util.List;
import org.roaringbitmap.RoaringBitmap;

/**
 * SELECT and EXAMINE (RFC 9051 sections 6.3.2 and 6.3.3) with CONDSTORE's parameter (RFC 7162
 * section 3.1.8). An IMAP4rev1 client hears {@code * 0 RECENT} as RFC 3501 requires; an
 * IMAP4rev2 one hears no RECENT but the folder's LIST response, and {@code OK [CLOSED]} when
 * another folder was selected (RFC 9051 section 7.1).
 */
record SelectCommand(ImapSession session, MailStore store, String address) {

    void run(String tag, CommandReader reader, boolean readOnly, boolean wasSelected) {
        boolean rev2 = session.rev2();
        reader.space();
        String name = FolderCommands.folderName(reader.astring(), rev2);
        boolean condStore = reader.take(' ')
                && reader.atomList().stream().anyMatch(option -> option.equalsIgnoreCase("CONDSTORE"));
        reader.end();
        if (condStore) {
            session.enableCondStore();
        }
        session.unselect(); // a failed SELECT leaves none selected (RFC 9051 section 6.3.2)
        if (wasSelected && rev2) {
            session.send("* OK [CLOSED] the folder selected before is closed");
        }
        session.await(store.folder(address, name), tag, folder -> {
            if (folder.isEmpty()) {
                session.finish(tag, "NO [NONEXISTENT] no folder " + name);
            } else if (rev2) {
                session.await(store.folders(address), tag, folders -> opened(tag, folder.get(), folders, readOnly));
            } else {
                opened(tag, folder.get(), null, readOnly);
            }
        });
    }

    /** Selects {@code folder}; {@code folders} are the mailbox's for the LIST response, null for IMAP4rev1. */
    private void opened(String tag, Folder folder, List<Folder> folders, boolean readOnly) {
        session.await(store.uids(address, folder.id()), tag, (RoaringBitmap uids) -> {
            SelectedFolder chosen = new SelectedFolder(folder, uids, readOnly);
            session.select(chosen);
            session.send("* " + chosen.count() + " EXISTS");
            if (folders == null) {
                session.send("* 0 RECENT");
            }
            session.send("* FLAGS (" + chosen.flags() + ")");
            session.send("* OK [PERMANENTFLAGS (" + chosen.flags() + " \\*)] flags kept");
            session.send("* OK [UIDVALIDITY " + chosen.uidValidity + "] UIDs valid");
            session.send("* OK [UIDNEXT " + folder.uidNext() + "] next uid");
            session.send("* OK [HIGHESTMODSEQ " + folder.highestModSeq() + "] modseq");
            if (folders != null) {
                session.send(ListCommand.listResponse(folder, folders, true));
            }
            session.finish(tag, "OK [" + (readOnly ? "READ-ONLY" : "READ-WRITE") + "] "
                    + (readOnly ? "EXAMINE" : "SELECT") + " completed");
        });
    }
}
