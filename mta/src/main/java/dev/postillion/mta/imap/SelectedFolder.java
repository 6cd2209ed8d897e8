package dev.postillion.mta.imap;

import dev.postillion.mailbox.Folder;
import dev.postillion.mailbox.MailMessage;
import dev.postillion.mailbox.MailStore;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.roaringbitmap.RoaringBitmap;

/**
 * The folder a session has selected, as its client knows it (RFC 9051 section 5.2): the uids in
 * sequence-number order, and the modseq up to which it has heard of flag changes. Other sessions'
 * changes reach the client as untagged responses when {@link #catchUp} compares this with the
 * store: expunged messages (only where RFC 9051 section 7.5.1 allows EXPUNGE responses), new ones,
 * changed flags.
 */
final class SelectedFolder {

    final String name;
    final long id;
    final long uidValidity;
    final boolean readOnly;
    /** The uids the client knows, whose ranks are its sequence numbers. */
    final RoaringBitmap uids;
    long modSeq;
    List<String> keywords;
    /** The result SEARCH saved last (RFC 5182 section 2.1), as uids; empty until one is saved. */
    RoaringBitmap saved = new RoaringBitmap();
    /**
     * Flag changes the client was told of in a command's own responses (STORE, a FETCH that set
     * \Seen), by uid, with their modseq: the next catch-up does not tell them again.
     */
    private final java.util.Map<Long, Long> told = new java.util.HashMap<>();

    SelectedFolder(Folder folder, RoaringBitmap uids, boolean readOnly) {
        this.name = folder.name();
        this.id = folder.id();
        this.uidValidity = folder.uidValidity();
        this.readOnly = readOnly;
        this.uids = uids;
        this.modSeq = folder.highestModSeq();
        this.keywords = folder.keywords();
    }

    /** The client has been told that {@code uid} has its flags of {@code modSeq}. */
    void told(long uid, long modSeq) {
        told.merge(uid, modSeq, Math::max);
    }

    /**
     * The uids a command's sequence set names (see {@link SequenceSet}), or for "$" the saved
     * search result less the messages expunged since (RFC 5182 section 2.1).
     */
    RoaringBitmap uids(String set, boolean byUid) {
        return set.equals("$") ? RoaringBitmap.and(saved, uids) : SequenceSet.uids(set, byUid, uids);
    }

    /** The sequence number of {@code uid}, which the client knows. */
    long sequence(long uid) {
        return uids.rank((int) uid);
    }

    long count() {
        return uids.getLongCardinality();
    }

    /** What changed since the client last heard, read from the store. */
    record Changes(Folder folder, RoaringBitmap stored, List<MailMessage> flagged) {}

    static CompletionStage<Changes> read(MailStore store, String address, SelectedFolder selected) {
        return store.folder(address, selected.name).thenCompose(folder -> folder.filter(found -> found.id() == selected.id)
                .map(found -> store.uids(address, found.id()).thenCompose(stored -> store.changedSince(address,
                        found.id(), selected.modSeq, 10_000).thenCompose(changed -> {
                            RoaringBitmap uids = new RoaringBitmap();
                            changed.forEach(uid -> uids.add((int) (long) uid));
                            uids.and(stored);
                            return store.messages(address, found.id(), uids);
                        }).thenApply(flagged -> new Changes(found, stored, flagged))))
                .orElseGet(() -> java.util.concurrent.CompletableFuture.completedFuture(
                        new Changes(null, new RoaringBitmap(), List.of()))));
    }

    /**
     * Tells the client what {@code changes} hold, into {@code out}: EXPUNGE (if {@code expunges}),
     * EXISTS, FETCH of changed flags (with MODSEQ when {@code condStore}). Returns whether
     * expunges are left to tell, at a command that allows them.
     */
    boolean catchUp(Changes changes, boolean expunges, boolean condStore, ByteArrayOutputStream out) {
        boolean expungesLeft = !expunges && !RoaringBitmap.andNot(uids, changes.stored()).isEmpty();
        if (expunges) {
            RoaringBitmap gone = RoaringBitmap.andNot(uids, changes.stored());
            int[] goneUids = gone.toArray();
            for (int i = goneUids.length - 1; i >= 0; i--) {
                line(out, "* " + sequence(Integer.toUnsignedLong(goneUids[i])) + " EXPUNGE");
                uids.remove(goneUids[i]);
            }
        }
        RoaringBitmap added = RoaringBitmap.andNot(changes.stored(), uids);
        if (!added.isEmpty()) {
            uids.or(added);
            line(out, "* " + count() + " EXISTS");
        }
        if (changes.folder() != null && !changes.folder().keywords().equals(keywords)) {
            keywords = changes.folder().keywords();
            line(out, "* FLAGS (" + flags() + ")");
        }
        long highest = modSeq;
        for (MailMessage message : changes.flagged()) {
            boolean knownAlready = told.getOrDefault(message.uid(), 0L) >= message.modSeq();
            if (uids.contains((int) message.uid()) && !added.contains((int) message.uid()) && !knownAlready) {
                line(out, "* " + sequence(message.uid()) + " FETCH (UID " + message.uid() + " FLAGS ("
                        + String.join(" ", message.flags().names()) + ")"
                        + (condStore ? " MODSEQ (" + message.modSeq() + ")" : "") + ")");
            }
            highest = Math.max(highest, message.modSeq());
        }
        if (changes.folder() != null && expunges) {
            highest = Math.max(highest, changes.folder().highestModSeq());
        }
        modSeq = highest;
        told.clear();
        return expungesLeft;
    }

    /** The flags the folder's messages may have: the system flags and the keywords in use. */
    String flags() {
        StringBuilder flags = new StringBuilder("\\Answered \\Flagged \\Deleted \\Seen \\Draft");
        keywords.forEach(keyword -> flags.append(' ').append(keyword));
        return flags.toString();
    }

    static void line(ByteArrayOutputStream out, String line) {
        out.writeBytes((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }
}
