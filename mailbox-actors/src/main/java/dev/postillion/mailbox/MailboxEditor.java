package dev.postillion.mailbox;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.MessageHeaders;
import dev.postillion.core.Store;
import dev.postillion.core.StoreBatch;
import dev.postillion.mailbox.MailboxEdit.Edited;
import dev.postillion.mailbox.MailboxEdit.FlagsChanged;
import dev.postillion.mailbox.MailboxEdit.Refusal.Reason;
import dev.postillion.mailbox.proto.ExpungedRecord;
import dev.postillion.mailbox.proto.FolderRecord;
import dev.postillion.mailbox.proto.MessageRecord;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.roaringbitmap.RoaringBitmap;

/**
 * How each {@link MailboxEdit} is made, in two steps as ARCHITECTURE rule 2 asks: {@link #read}
 * the records it needs on the store's threads, then {@link #build} its batch on the actor's thread
 * from what was read and the {@link MailboxState}, which it updates. Messages expunged are kept
 * for the retention period, with their content, until {@link #prune} removes them.
 */
final class MailboxEditor {

    /** Messages expunged whose retention ended, removed per batch at most. */
    static final int PRUNE_BATCH = 512;

    private final String address;
    private final MailStore mailStore;
    private final Directory directory;

    MailboxEditor(String address, MailStore mailStore, Directory directory) {
        this.address = address;
        this.mailStore = mailStore;
        this.directory = directory;
    }

    /**
     * What an edit needs read before its batch is built.
     *
     * @param encryptedContent an appended message as an encrypted mailbox keeps it
     */
    record Reads(List<MessageRecord> messages, Map<Long, Long> contentRefs, List<Store.KeyValue> expunged,
            Optional<byte[]> encryptedContent) {
        static final Reads NONE = new Reads(List.of(), Map.of(), List.of());

        Reads(List<MessageRecord> messages, Map<Long, Long> contentRefs, List<Store.KeyValue> expunged) {
            this(messages, contentRefs, expunged, Optional.empty());
        }
    }

    CompletionStage<Reads> read(MailboxState state, MailboxEdit edit) {
        if (edit instanceof MailboxEdit.Append append) {
            return encrypted(append);
        } else if (edit instanceof MailboxEdit.SetFlags set) {
            return messages(state, set.folder(), set.uids(), false);
        } else if (edit instanceof MailboxEdit.Copy copy) {
            return messages(state, copy.folder(), copy.uids(), true);
        } else if (edit instanceof MailboxEdit.Move move) {
            return messages(state, move.folder(), move.uids(), false);
        } else if (edit instanceof MailboxEdit.Expunge expunge) {
            return state.folder(expunge.folder()).map(folder -> {
                RoaringBitmap deleted = MailboxState.deletedUids(folder);
                if (expunge.uids() != null) {
                    deleted.and(expunge.uids());
                }
                return messages(state, expunge.folder(), deleted, false);
            }).orElse(CompletableFuture.completedFuture(Reads.NONE));
        } else if (edit instanceof MailboxEdit.DeleteFolder delete) {
            return state.folder(delete.name())
                    .map(folder -> mailStore.messageRecords(address, folder.getId(), 1, Long.MAX_VALUE - 1,
                            Integer.MAX_VALUE).thenApply(records -> new Reads(records, Map.of(), List.of())))
                    .orElse(CompletableFuture.completedFuture(Reads.NONE));
        } else if (edit instanceof MailboxEdit.Restore restore) {
            return MailStore.expungedKey(address, restore.deletedId())
                    .map(key -> mailStore.expunged(address, key).thenApply(found -> found
                            .map(value -> new Reads(List.of(), Map.of(), List.of(new Store.KeyValue(key, value))))
                            .orElse(Reads.NONE)))
                    .orElse(CompletableFuture.completedFuture(Reads.NONE));
        }
        return CompletableFuture.completedFuture(Reads.NONE);
    }

    /**
     * A message appended to an encrypted mailbox (a client saving its Sent copy or a draft) is
     * encrypted to the address's public key before the batch is built, as a delivered one is.
     */
    private CompletionStage<Reads> encrypted(MailboxEdit.Append append) {
        return directory.address(EmailAddress.parse(address, true)).thenCompose(found -> found
                .flatMap(Address::encryption)
                .map(encryption -> directory.encryption().crypto().encrypt(encryption.publicKey(),
                                List.of(append.content()))
                        .thenApply(sealed -> new Reads(List.of(), Map.of(), List.of(), Optional.of(sealed.get(0)))))
                .orElse(CompletableFuture.completedFuture(Reads.NONE)));
    }

    private CompletionStage<Reads> messages(MailboxState state, String name, RoaringBitmap uids, boolean refs) {
        Optional<FolderRecord.Builder> folder = state.folder(name);
        if (folder.isEmpty() || uids.isEmpty()) {
            return CompletableFuture.completedFuture(Reads.NONE);
        }
        return mailStore.messageRecords(address, folder.get().getId(), uids).thenCompose(records -> refs
                ? contentRefs(records.stream().map(MessageRecord::getContentId).toList())
                        .thenApply(counts -> new Reads(records, counts, List.of()))
                : CompletableFuture.completedFuture(new Reads(records, Map.of(), List.of())));
    }

    /** How many messages share each of {@code contentIds} (absent: one). */
    private CompletionStage<Map<Long, Long>> contentRefs(List<Long> contentIds) {
        Map<Long, CompletableFuture<Optional<byte[]>>> reads = new HashMap<>();
        contentIds.forEach(id -> reads.computeIfAbsent(id,
                key -> mailStore.contentRefs(address, key).toCompletableFuture()));
        return CompletableFuture.allOf(reads.values().toArray(CompletableFuture[]::new)).thenApply(done -> {
            Map<Long, Long> counts = new HashMap<>();
            reads.forEach((id, read) -> counts.put(id, read.join().map(bytes -> ByteBuffer.wrap(bytes).getLong())
                    .orElse(1L)));
            return counts;
        });
    }

    Edited build(MailboxState state, StoreBatch batch, MailboxEdit edit, Reads reads, Instant now) {
        if (edit instanceof MailboxEdit.CreateFolder create) {
            return create(state, create.name());
        } else if (edit instanceof MailboxEdit.DeleteFolder delete) {
            return delete(state, batch, delete.name(), reads, now);
        } else if (edit instanceof MailboxEdit.RenameFolder rename) {
            return rename(state, rename.from(), rename.to());
        } else if (edit instanceof MailboxEdit.Subscribe subscribe) {
            return subscribe(state, subscribe.name(), subscribe.subscribed());
        } else if (edit instanceof MailboxEdit.Append append) {
            return append(state, batch, append, reads);
        } else if (edit instanceof MailboxEdit.SetFlags set) {
            return setFlags(state, batch, set, reads);
        } else if (edit instanceof MailboxEdit.Copy copy) {
            return copy(state, batch, copy.folder(), copy.target(), reads, false);
        } else if (edit instanceof MailboxEdit.Move move) {
            return copy(state, batch, move.folder(), move.target(), reads, true);
        } else if (edit instanceof MailboxEdit.Expunge expunge) {
            return state.folder(expunge.folder()).isEmpty() ? noFolder(expunge.folder())
                    : expunge(state, batch, expunge.folder(), reads.messages(), now);
        } else if (edit instanceof MailboxEdit.Restore restore) {
            return restore(state, batch, restore.deletedId(), reads);
        }
        return Edited.done(); // Open: the batch writes the mailbox's records if it had none
    }

    private static Edited subscribe(MailboxState state, String name, boolean subscribed) {
        return state.folder(name).map(folder -> {
            folder.setSubscribed(subscribed);
            state.changed(name);
            return Edited.done();
        }).orElseGet(() -> noFolder(name));
    }

    private static Edited create(MailboxState state, String name) {
        if (state.folder(name).isPresent()) {
            return Edited.refused(Reason.ALREADYEXISTS, "folder " + name + " exists already");
        }
        return FolderName.problem(name).map(problem -> Edited.refused(Reason.CANNOT, problem)).orElseGet(() -> {
            state.createFolder(name, "");
            return Edited.done();
        });
    }

    private Edited delete(MailboxState state, StoreBatch batch, String name, Reads reads, Instant now) {
        if (name.equals(FolderName.INBOX)) {
            return Edited.refused(Reason.CANNOT, "INBOX cannot be deleted");
        }
        if (state.folder(name).isEmpty()) {
            return noFolder(name);
        }
        Edited expunged = expunge(state, batch, name, reads.messages(), now);
        state.removeFolder(batch, name);
        return expunged;
    }

    /**
     * RFC 9051 section 6.3.6: the folders under it move too, except under INBOX, whose messages
     * move instead. A parent that does not exist itself (\NonExistent) can be renamed: its children move.
     */
    private static Edited rename(MailboxState state, String from, String to) {
        boolean parentOnly = state.folder(from).isEmpty();
        if (parentOnly && state.folderNames().stream().noneMatch(name -> FolderName.isWithin(name, from))) {
            return noFolder(from); // neither a folder nor the parent of one
        }
        Optional<String> problem = FolderName.problem(to);
        if (problem.isPresent()) {
            return Edited.refused(Reason.CANNOT, problem.get());
        }
        if (FolderName.isWithin(to, from)) {
            return Edited.refused(Reason.CANNOT, "a folder cannot be renamed into itself");
        }
        boolean inbox = from.equals(FolderName.INBOX);
        List<String> moving = state.folderNames().stream()
                .filter(name -> inbox ? name.equals(from) : FolderName.isWithin(name, from)).toList();
        for (String name : moving) {
            String target = to + name.substring(from.length());
            if (state.folder(target).isPresent()) {
                return Edited.refused(Reason.ALREADYEXISTS, "folder " + target + " exists already");
            }
        }
        for (String name : moving) {
            state.renameFolder(name, to + name.substring(from.length()));
        }
        if (inbox) {
            state.folder(to).get().setSpecialUse("");
            state.createFolder(FolderName.INBOX, "");
        }
        return Edited.done();
    }

    private Edited append(MailboxState state, StoreBatch batch, MailboxEdit.Append append, Reads reads) {
        Optional<FolderRecord.Builder> folder = state.folder(append.folder());
        if (folder.isEmpty()) {
            return Edited.refused(Reason.TRYCREATE, "no folder " + append.folder());
        }
        long contentId = state.newContentId();
        batch.put(MailboxFamilies.MAILBOX_CONTENT, MailStore.contentKey(address, contentId),
                reads.encryptedContent().orElse(append.content()));
        long uid = state.add(batch, append.folder(), summary(MessageRecord.newBuilder(), append.content())
                .setContentId(contentId).setFlags(append.flags().system()).addAllKeywords(append.flags().keywords())
                .setInternalDateMillis(append.internalDate().toEpochMilli()).setSize(append.content().length));
        return written(append.folder(), folder.get(), List.of(), List.of(uid), List.of(), List.of());
    }

    /** The header fields a listing shows without reading the content. */
    static MessageRecord.Builder summary(MessageRecord.Builder record, byte[] content) {
        MessageHeaders headers = MessageHeaders.parse(content);
        return record.setFrom(headers.first("From").orElse("")).setSubject(headers.first("Subject").orElse(""))
                .setMessageId(headers.first("Message-ID").orElse(""));
    }

    private static Edited setFlags(MailboxState state, StoreBatch batch, MailboxEdit.SetFlags set, Reads reads) {
        Optional<FolderRecord.Builder> folder = state.folder(set.folder());
        if (folder.isEmpty()) {
            return noFolder(set.folder());
        }
        List<FlagsChanged> changed = new ArrayList<>();
        List<Long> modified = new ArrayList<>();
        for (MessageRecord message : reads.messages()) {
            if (set.unchangedSince() >= 0 && message.getModseq() > set.unchangedSince()) {
                modified.add(message.getUid());
                continue;
            }
            MessageFlags before = new MessageFlags(message.getFlags(), message.getKeywordsList());
            MessageFlags after = before.apply(set.change(), set.flags());
            if (!after.sameAs(before)) {
                changed.add(new FlagsChanged(message.getUid(), after,
                        state.setFlags(batch, set.folder(), message, after)));
            }
        }
        return new Edited(null, set.folder(), folder.get().getUidValidity(), List.of(), List.of(), changed, modified,
                List.of());
    }

    /** COPY and MOVE (RFC 6851): the copies share their content; a move removes the originals. */
    private Edited copy(MailboxState state, StoreBatch batch, String from, String to, Reads reads, boolean move) {
        if (state.folder(from).isEmpty()) {
            return noFolder(from);
        }
        Optional<FolderRecord.Builder> target = state.folder(to);
        if (target.isEmpty()) {
            return Edited.refused(Reason.TRYCREATE, "no folder " + to);
        }
        Map<Long, Long> refs = new HashMap<>(reads.contentRefs());
        List<Long> sources = new ArrayList<>();
        List<Long> uids = new ArrayList<>();
        for (MessageRecord message : reads.messages()) {
            if (move) {
                state.remove(batch, from, message);
            } else {
                long count = refs.merge(message.getContentId(), 1L, Long::sum);
                batch.put(MailboxFamilies.MAIL_CONTENT_REFS, MailStore.contentKey(address, message.getContentId()),
                        MailStore.longValue(count));
            }
            sources.add(message.getUid());
            uids.add(state.add(batch, to, message.toBuilder()));
        }
        return written(to, target.get(), sources, uids, List.of(), move ? sources : List.of());
    }

    private Edited expunge(MailboxState state, StoreBatch batch, String name, List<MessageRecord> messages,
            Instant now) {
        long folderId = state.folder(name).get().getId();
        List<Long> expunged = new ArrayList<>();
        for (MessageRecord message : messages) {
            state.remove(batch, name, message);
            batch.put(MailboxFamilies.MAIL_EXPUNGED, MailStore.expungedKey(address, now, folderId, message.getUid()),
                    ExpungedRecord.newBuilder().setFolder(name).setMessage(message).build().toByteArray());
            expunged.add(message.getUid());
        }
        return new Edited(null, name, state.folder(name).get().getUidValidity(), List.of(), List.of(), List.of(),
                List.of(), expunged);
    }

    private Edited restore(MailboxState state, StoreBatch batch, String id, Reads reads) {
        if (reads.expunged().isEmpty()) {
            return Edited.refused(Reason.NONEXISTENT, "no deleted message " + id);
        }
        Store.KeyValue entry = reads.expunged().get(0);
        ExpungedRecord record = MailStore.parse(ExpungedRecord.parser(), entry.value());
        FolderRecord.Builder folder = state.folder(record.getFolder())
                .orElseGet(() -> state.createFolder(record.getFolder(), ""));
        batch.delete(MailboxFamilies.MAIL_EXPUNGED, entry.key());
        // Without \Deleted: the next EXPUNGE would take it again.
        MessageRecord.Builder message = record.getMessage().toBuilder();
        long uid = state.add(batch, record.getFolder(), message.setFlags(message.getFlags() & ~MessageFlags.DELETED));
        return written(record.getFolder(), folder, List.of(), List.of(uid), List.of(), List.of());
    }

    /** Reads the messages whose retention ended before {@code cutoff}, and who shares their content. */
    CompletionStage<Reads> readExpired(Instant cutoff) {
        return mailStore.expungedBefore(address, cutoff, PRUNE_BATCH).thenCompose(expired -> contentRefs(
                expired.stream().map(entry -> MailStore.parse(ExpungedRecord.parser(), entry.value()).getMessage()
                        .getContentId()).toList())
                .thenApply(refs -> new Reads(List.of(), refs, expired)));
    }

    /** Removes the expired messages, and their content where no other message shares it. */
    void prune(StoreBatch batch, Reads expired) {
        Map<Long, Long> refs = new HashMap<>(expired.contentRefs());
        for (Store.KeyValue entry : expired.expunged()) {
            long contentId = MailStore.parse(ExpungedRecord.parser(), entry.value()).getMessage().getContentId();
            long left = refs.merge(contentId, -1L, Long::sum);
            byte[] key = MailStore.contentKey(address, contentId);
            batch.delete(MailboxFamilies.MAIL_EXPUNGED, entry.key());
            if (left <= 0) {
                batch.delete(MailboxFamilies.MAILBOX_CONTENT, key).delete(MailboxFamilies.MAIL_CONTENT_REFS, key);
            } else {
                batch.put(MailboxFamilies.MAIL_CONTENT_REFS, key, MailStore.longValue(left));
            }
        }
    }

    private static Edited written(String name, FolderRecord.Builder folder, List<Long> sources, List<Long> uids,
            List<FlagsChanged> changed, List<Long> expunged) {
        return new Edited(null, name, folder.getUidValidity(), sources, uids, changed, List.of(), expunged);
    }

    private static Edited noFolder(String name) {
        return Edited.refused(Reason.NONEXISTENT, "no folder " + name);
    }
}
