package dev.postillion.mailbox;

import com.google.protobuf.ByteString;
import dev.postillion.core.Keys;
import dev.postillion.core.Store;
import dev.postillion.core.StoreBatch;
import dev.postillion.mailbox.proto.FolderRecord;
import dev.postillion.mailbox.proto.MailAccount;
import dev.postillion.mailbox.proto.MessageRecord;
import dev.postillion.mailbox.proto.StoredMessage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import org.roaringbitmap.RoaringBitmap;

/**
 * What the {@link MailboxActor} of an address knows of its mailbox between writes: the account's
 * counters, every folder's record and uid blocks. Read once at activation, then kept up to date by
 * the actor, the only writer, which builds each batch from it without reading them again. A batch
 * expects the account record as this writer last read or wrote it, so a stale writer on another
 * node is refused (ARCHITECTURE "Cluster": one writer per mailbox). After a failed write the actor
 * reads the state again, since the batch's changes were made here already.
 */
final class MailboxState {

    private final String address;
    private final MailAccount.Builder account;
    /** The account record as stored, which the next batch expects; null while there is none. */
    private byte[] storedAccount;
    private final TreeMap<String, FolderRecord.Builder> folders = new TreeMap<>();
    private final Map<Long, String> names = new HashMap<>();
    /** Per folder id, its uid blocks by block number. */
    private final Map<Long, Map<Long, RoaringBitmap>> uidBlocks = new HashMap<>();
    private final Set<String> changedFolders = new HashSet<>();
    private final Set<String> removedFolders = new HashSet<>();
    private final Set<BlockKey> changedBlocks = new HashSet<>();
    /** The folders the last batch {@link #finish}ed changed or removed, for the sessions reading them. */
    private List<String> lastChanged = List.of();
    /** Whether the batch being built changes the state: only then does it advance the generation. */
    private boolean changed;
    /** Writes the state needs before any other: the move of a first-model mailbox into folders. */
    private StoreBatch pending = new StoreBatch();

    private record BlockKey(long folderId, long block) {}

    private MailboxState(String address, MailAccount.Builder account, byte[] storedAccount) {
        this.address = address;
        this.account = account;
        this.storedAccount = storedAccount;
    }

    /** Reads the mailbox's state; a mailbox never written starts with the default folders. */
    static CompletionStage<MailboxState> load(Store store, String address, Instant now) {
        byte[] prefix = Keys.text(address);
        return store.read(MailboxFamilies.MAIL_ACCOUNT, MailStore.accountKey(address)).thenCompose(account -> {
            if (account.isEmpty()) {
                return store.read(MailboxFamilies.LEGACY_STATE, prefix).thenCompose(legacy -> legacy.isEmpty()
                        ? java.util.concurrent.CompletableFuture.completedFuture(fresh(address, now))
                        : store.prefix(MailboxFamilies.LEGACY_INDEX, prefix, Integer.MAX_VALUE)
                                .thenApply(index -> migrated(address, now, ByteBuffer.wrap(legacy.get()).getLong(),
                                        index)));
            }
            MailboxState state = new MailboxState(address,
                    MailStore.parse(MailAccount.parser(), account.get()).toBuilder(), account.get());
            return store.prefix(MailboxFamilies.MAIL_FOLDERS, prefix, Integer.MAX_VALUE)
                    .thenCombine(store.prefix(MailboxFamilies.MAIL_UIDS, prefix, Integer.MAX_VALUE),
                            (folders, blocks) -> state.withRecords(prefix.length, folders, blocks));
        });
    }

    private MailboxState withRecords(int prefixLength, List<Store.KeyValue> folderRecords,
            List<Store.KeyValue> blocks) {
        for (Store.KeyValue entry : folderRecords) {
            String name = new String(entry.key(), prefixLength, entry.key().length - prefixLength,
                    java.nio.charset.StandardCharsets.UTF_8);
            FolderRecord.Builder folder = MailStore.parse(FolderRecord.parser(), entry.value()).toBuilder();
            folders.put(name, folder);
            names.put(folder.getId(), name);
        }
        for (Store.KeyValue entry : blocks) {
            ByteBuffer key = ByteBuffer.wrap(entry.key(), prefixLength, entry.key().length - prefixLength);
            long folderId = key.getLong();
            uidBlocks.computeIfAbsent(folderId, id -> new HashMap<>()).put(key.getLong(), MailStore.bitmap(entry.value()));
        }
        return this;
    }

    /** A mailbox never written: its default folders, written with its first batch. */
    static MailboxState fresh(String address, Instant now) {
        MailboxState state = new MailboxState(address, MailAccount.newBuilder().setNextContentId(1)
                .setNextFolderId(1).setCreatedEpochSeconds(now.getEpochSecond()), null);
        for (FolderName.Default folder : FolderName.DEFAULTS) {
            state.createFolder(folder.name(), folder.specialUse());
        }
        return state;
    }

    /**
     * A mailbox of the first model (one uid counter per address, messages keyed by address and
     * uid, spam in "Spam"), moved into folders with its next write: each message keeps its uid in
     * INBOX or Junk, and its content, whose key is that uid, stays where it is.
     */
    static MailboxState migrated(String address, Instant now, long nextUid, List<Store.KeyValue> index) {
        MailboxState state = fresh(address, now);
        state.account.setNextContentId(nextUid);
        for (Store.KeyValue entry : index) {
            StoredMessage old = MailStore.parse(StoredMessage.parser(), entry.value());
            String name = old.getFolder().equals("Spam") ? FolderName.JUNK : FolderName.INBOX;
            FolderRecord.Builder folder = state.folders.get(name);
            folder.setUidNext(Math.max(folder.getUidNext(), old.getUid()));
            state.add(state.pending, name, MessageRecord.newBuilder().setContentId(old.getUid())
                    .setInternalDateMillis(old.getReceivedEpochMillis()).setSize(old.getSize())
                    .setFrom(old.getFrom()).setSubject(old.getSubject()).setMessageId(old.getMessageId())
                    .setReturnPath(old.getReturnPath()).setQueueId(old.getQueueId()));
        }
        byte[] prefix = Keys.text(address);
        state.pending.deleteRange(MailboxFamilies.LEGACY_INDEX, prefix, Keys.prefixEnd(prefix))
                .delete(MailboxFamilies.LEGACY_STATE, prefix);
        return state;
    }

    /** A new batch: guarded by the account record as this writer knows it, after what is pending. */
    StoreBatch begin() {
        StoreBatch batch = new StoreBatch();
        batch.expect(MailboxFamilies.MAIL_ACCOUNT, MailStore.accountKey(address), storedAccount);
        changed = !pending.isEmpty();
        batch.addAll(pending);
        pending = new StoreBatch();
        return batch;
    }

    /**
     * Ends {@code batch} with the folders and uid blocks it changed and, if it changed any, the
     * account's next generation; {@link #written} once it is stored. A batch that changes nothing
     * (redeliveries only) still expects the generation, and leaves it as it was.
     */
    byte[] finish(StoreBatch batch) {
        if (!changed && changedFolders.isEmpty() && removedFolders.isEmpty() && changedBlocks.isEmpty()) {
            lastChanged = List.of();
            return storedAccount;
        }
        for (String name : removedFolders) {
            batch.delete(MailboxFamilies.MAIL_FOLDERS, MailStore.folderKey(address, name));
        }
        for (String name : changedFolders) {
            batch.put(MailboxFamilies.MAIL_FOLDERS, MailStore.folderKey(address, name),
                    folders.get(name).build().toByteArray());
        }
        for (BlockKey key : changedBlocks) {
            RoaringBitmap block = uidBlocks.getOrDefault(key.folderId(), Map.of()).get(key.block());
            byte[] blockKey = MailStore.uidBlockKey(address, key.folderId(), key.block());
            if (block == null || block.isEmpty()) {
                batch.delete(MailboxFamilies.MAIL_UIDS, blockKey);
            } else {
                batch.put(MailboxFamilies.MAIL_UIDS, blockKey, serialize(block));
            }
        }
        lastChanged = new java.util.ArrayList<>(changedFolders);
        lastChanged.addAll(removedFolders);
        removedFolders.clear();
        changedFolders.clear();
        changedBlocks.clear();
        changed = false;
        byte[] next = account.setGeneration(account.getGeneration() + 1).build().toByteArray();
        batch.put(MailboxFamilies.MAIL_ACCOUNT, MailStore.accountKey(address), next);
        return next;
    }

    /** The folders the batch last {@link #finish}ed changes or removes. */
    List<String> lastChanged() {
        return lastChanged;
    }

    /** The batch {@link #finish} returned {@code account} for is stored: the next one expects it. */
    void written(byte[] account) {
        storedAccount = account;
    }

    /** Whether the mailbox has records yet (an {@link MailboxEdit.Open} writes them if not). */
    boolean stored() {
        return storedAccount != null && pending.isEmpty();
    }

    Optional<FolderRecord.Builder> folder(String name) {
        return Optional.ofNullable(folders.get(name));
    }

    Optional<String> folderName(long id) {
        return Optional.ofNullable(names.get(id));
    }

    /** Folder names, in order. */
    Set<String> folderNames() {
        return folders.navigableKeySet();
    }

    FolderRecord.Builder createFolder(String name, String specialUse) {
        changed = true;
        long id = account.getNextFolderId();
        account.setNextFolderId(id + 1);
        FolderRecord.Builder folder = FolderRecord.newBuilder().setId(id)
                .setUidValidity(account.getCreatedEpochSeconds() + id).setUidNext(1).setHighestModseq(1)
                .setSpecialUse(specialUse).setSubscribed(true);
        folders.put(name, folder);
        names.put(id, name);
        removedFolders.remove(name);
        changedFolders.add(name);
        return folder;
    }

    /** Removes the folder's record and uid blocks; its messages must have been removed first. */
    void removeFolder(StoreBatch batch, String name) {
        FolderRecord.Builder folder = folders.remove(name);
        names.remove(folder.getId());
        uidBlocks.remove(folder.getId());
        changedFolders.remove(name);
        removedFolders.add(name);
        byte[] prefix = MailStore.folderPrefix(address, folder.getId());
        batch.deleteRange(MailboxFamilies.MAIL_UIDS, prefix, Keys.prefixEnd(prefix))
                .deleteRange(MailboxFamilies.MAIL_CHANGES, prefix, Keys.prefixEnd(prefix));
    }

    /** Gives the folder's record, id and messages to a new name (RENAME keeps UIDVALIDITY). */
    void renameFolder(String from, String to) {
        FolderRecord.Builder folder = folders.remove(from);
        folders.put(to, folder);
        names.put(folder.getId(), to);
        changedFolders.remove(from);
        removedFolders.add(from);
        removedFolders.remove(to);
        changedFolders.add(to);
    }

    void changed(String folder) {
        changedFolders.add(folder);
    }

    /** A new content id, for a message whose content {@code batch} stores under it. */
    long newContentId() {
        changed = true;
        long id = account.getNextContentId();
        account.setNextContentId(id + 1);
        return id;
    }

    /**
     * Adds a message to the folder with the next uid and modseq, flags and content as {@code message}
     * has them; returns the uid.
     */
    long add(StoreBatch batch, String name, MessageRecord.Builder message) {
        FolderRecord.Builder folder = folders.get(name);
        long uid = folder.getUidNext();
        long modSeq = folder.getHighestModseq() + 1;
        folder.setUidNext(uid + 1).setHighestModseq(modSeq).setMessages(folder.getMessages() + 1)
                .setSize(folder.getSize() + message.getSize());
        MessageFlags flags = new MessageFlags(message.getFlags(), message.getKeywordsList());
        if (!flags.has(MessageFlags.SEEN)) {
            folder.setUnseen(folder.getUnseen() + 1);
        }
        if (flags.has(MessageFlags.DELETED)) {
            updateDeleted(folder, uid, true);
        }
        addKeywords(folder, flags);
        message.setUid(uid).setModseq(modSeq);
        batch.put(MailboxFamilies.MAIL_MESSAGES, MailStore.messageKey(address, folder.getId(), uid),
                message.build().toByteArray());
        batch.put(MailboxFamilies.MAIL_CHANGES, MailStore.changeKey(address, folder.getId(), modSeq),
                MailStore.longValue(uid));
        uidBlock(folder.getId(), uid).add((int) uid);
        changedFolders.add(name);
        return uid;
    }

    /** Removes a message from the folder, its content left to whoever still refers to it. */
    void remove(StoreBatch batch, String name, MessageRecord message) {
        FolderRecord.Builder folder = folders.get(name);
        folder.setMessages(folder.getMessages() - 1).setHighestModseq(folder.getHighestModseq() + 1)
                .setSize(folder.getSize() - message.getSize());
        if ((message.getFlags() & MessageFlags.SEEN) == 0) {
            folder.setUnseen(folder.getUnseen() - 1);
        }
        updateDeleted(folder, message.getUid(), false);
        batch.delete(MailboxFamilies.MAIL_MESSAGES, MailStore.messageKey(address, folder.getId(), message.getUid()));
        batch.delete(MailboxFamilies.MAIL_CHANGES, MailStore.changeKey(address, folder.getId(), message.getModseq()));
        uidBlock(folder.getId(), message.getUid()).remove((int) message.getUid());
        changedFolders.add(name);
    }

    /** Gives the message {@code flags} and the next modseq; returns the modseq. */
    long setFlags(StoreBatch batch, String name, MessageRecord message, MessageFlags flags) {
        FolderRecord.Builder folder = folders.get(name);
        long modSeq = folder.getHighestModseq() + 1;
        folder.setHighestModseq(modSeq);
        boolean wasSeen = (message.getFlags() & MessageFlags.SEEN) != 0;
        if (wasSeen != flags.has(MessageFlags.SEEN)) {
            folder.setUnseen(folder.getUnseen() + (wasSeen ? 1 : -1));
        }
        updateDeleted(folder, message.getUid(), flags.has(MessageFlags.DELETED));
        addKeywords(folder, flags);
        MessageRecord changed = message.toBuilder().setFlags(flags.system()).clearKeywords()
                .addAllKeywords(flags.keywords()).setModseq(modSeq).build();
        batch.put(MailboxFamilies.MAIL_MESSAGES, MailStore.messageKey(address, folder.getId(), message.getUid()),
                changed.toByteArray());
        batch.delete(MailboxFamilies.MAIL_CHANGES, MailStore.changeKey(address, folder.getId(), message.getModseq()));
        batch.put(MailboxFamilies.MAIL_CHANGES, MailStore.changeKey(address, folder.getId(), modSeq),
                MailStore.longValue(message.getUid()));
        changedFolders.add(name);
        return modSeq;
    }

    /** The uids of the folder flagged \Deleted. */
    static RoaringBitmap deletedUids(FolderRecord.Builder folder) {
        return MailStore.bitmap(folder.getDeleted().toByteArray());
    }

    private void updateDeleted(FolderRecord.Builder folder, long uid, boolean deleted) {
        RoaringBitmap uids = deletedUids(folder);
        if (uids.contains((int) uid) != deleted) {
            if (deleted) {
                uids.add((int) uid);
            } else {
                uids.remove((int) uid);
            }
            folder.setDeleted(uids.isEmpty() ? ByteString.EMPTY : ByteString.copyFrom(serialize(uids)));
        }
    }

    private static void addKeywords(FolderRecord.Builder folder, MessageFlags flags) {
        if (!flags.keywords().isEmpty()) {
            List<String> all = MessageFlags.union(folder.getKeywordsList(), flags.keywords());
            if (all.size() != folder.getKeywordsCount()) {
                folder.clearKeywords().addAllKeywords(all);
            }
        }
    }

    private RoaringBitmap uidBlock(long folderId, long uid) {
        long block = uid >>> MailStore.UID_BLOCK_BITS;
        changedBlocks.add(new BlockKey(folderId, block));
        return uidBlocks.computeIfAbsent(folderId, id -> new HashMap<>()).computeIfAbsent(block,
                number -> new RoaringBitmap());
    }

    /** Adds to {@code batch} the deletion of everything the address's mailbox holds. */
    static void purge(StoreBatch batch, String address) {
        byte[] prefix = Keys.text(address);
        for (var family : MailStore.families()) {
            batch.deleteRange(family, prefix, Keys.prefixEnd(prefix));
        }
        batch.delete(MailboxFamilies.MAIL_ACCOUNT, MailStore.accountKey(address))
                .delete(MailboxFamilies.LEGACY_STATE, prefix);
    }

    private static byte[] serialize(RoaringBitmap bitmap) {
        bitmap.runOptimize();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(bitmap.serializedSizeInBytes());
        try {
            bitmap.serialize(new DataOutputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
