package dev.postillion.mailbox;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.postillion.core.Keys;
import dev.postillion.core.QueueId;
import dev.postillion.core.Store;
import dev.postillion.core.StoreException;
import dev.postillion.core.StoreFamily;
import dev.postillion.mailbox.proto.ExpungedRecord;
import dev.postillion.mailbox.proto.FolderRecord;
import dev.postillion.mailbox.proto.MessageRecord;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.roaringbitmap.RoaringBitmap;

/**
 * Reads of the mailboxes' records, for anyone (the admin API, IMAP, POP3); only a {@link
 * MailboxActor} writes them, through its {@link MailboxState}. The keys put an address's records of
 * one kind together and a folder's in uid order (ARCHITECTURE rule 5): opening a folder, reading a
 * message or the changes since a modseq are point reads or one range, whatever the folder holds.
 */
public final class MailStore {

    /** Uids per block of a folder's uid set, one record each. */
    static final int UID_BLOCK_BITS = 16;

    private final Store store;

    public MailStore(Store store) {
        this.store = store;
    }

    /** The address's folders, in name order; empty until its mailbox first opened ({@link Mailboxes#open}). */
    public CompletionStage<List<Folder>> folders(String address) {
        byte[] prefix = Keys.text(address);
        return store.prefix(MailboxFamilies.MAIL_FOLDERS, prefix, Integer.MAX_VALUE).thenApply(entries -> {
            List<Folder> folders = new ArrayList<>(entries.size());
            for (Store.KeyValue entry : entries) {
                String name = new String(entry.key(), prefix.length, entry.key().length - prefix.length,
                        StandardCharsets.UTF_8);
                folders.add(Folder.of(name, parse(FolderRecord.parser(), entry.value())));
            }
            return folders;
        });
    }

    public CompletionStage<Optional<Folder>> folder(String address, String name) {
        return store.read(MailboxFamilies.MAIL_FOLDERS, folderKey(address, name))
                .thenApply(value -> value.map(bytes -> Folder.of(name, parse(FolderRecord.parser(), bytes))));
    }

    /** The folder's uids, from its few uid blocks. */
    public CompletionStage<RoaringBitmap> uids(String address, long folderId) {
        return store.prefix(MailboxFamilies.MAIL_UIDS, folderPrefix(address, folderId), Integer.MAX_VALUE)
                .thenApply(blocks -> {
                    RoaringBitmap uids = new RoaringBitmap();
                    blocks.forEach(block -> uids.or(bitmap(block.value())));
                    return uids;
                });
    }

    /** Messages with {@code fromUid <= uid <= toUid}, in uid order, at most {@code limit}. */
    public CompletionStage<List<MailMessage>> messages(String address, long folderId, long fromUid, long toUid,
            int limit) {
        return messageRecords(address, folderId, fromUid, toUid, limit)
                .thenApply(records -> records.stream().map(MailMessage::of).toList());
    }

    /** The messages of {@code uids} that exist, in uid order: one range read per run of uids. */
    public CompletionStage<List<MailMessage>> messages(String address, long folderId, RoaringBitmap uids) {
        return messageRecords(address, folderId, uids)
                .thenApply(records -> records.stream().map(MailMessage::of).toList());
    }

    public CompletionStage<Optional<MailMessage>> message(String address, long folderId, long uid) {
        return store.read(MailboxFamilies.MAIL_MESSAGES, messageKey(address, folderId, uid))
                .thenApply(value -> value.map(bytes -> MailMessage.of(parse(MessageRecord.parser(), bytes))));
    }

    /** The uids of messages changed (stored, flagged) after {@code modSeq}, in modseq order. */
    public CompletionStage<List<Long>> changedSince(String address, long folderId, long modSeq, int limit) {
        byte[] prefix = folderPrefix(address, folderId);
        return store.range(MailboxFamilies.MAIL_CHANGES, numbered(prefix, modSeq + 1), Keys.prefixEnd(prefix), limit)
                .thenApply(entries -> entries.stream().map(entry -> ByteBuffer.wrap(entry.value()).getLong())
                        .toList());
    }

    /** A message's content as stored; empty if there is no such content. */
    public CompletionStage<Optional<byte[]>> content(String address, long contentId) {
        return store.read(MailboxFamilies.MAILBOX_CONTENT, Keys.textAndLong(address, contentId));
    }

    /** Messages expunged within the retention period, oldest first, at most {@code limit}. */
    public CompletionStage<List<DeletedMessage>> deleted(String address, int limit) {
        byte[] prefix = Keys.text(address);
        return store.prefix(MailboxFamilies.MAIL_EXPUNGED, prefix, limit).thenApply(entries -> entries.stream()
                .map(entry -> deletedMessage(prefix.length, entry)).toList());
    }

    /** The content id given to this (queue id, recipient), or -1: makes redelivery idempotent. */
    CompletionStage<Long> deliveredContent(String address, QueueId id, int recipient) {
        return store.read(MailboxFamilies.MAILBOX_DELIVERIES, deliveryKey(address, id, recipient))
                .thenApply(value -> value.map(bytes -> ByteBuffer.wrap(bytes).getLong()).orElse(-1L));
    }

    CompletionStage<List<MessageRecord>> messageRecords(String address, long folderId, long fromUid, long toUid,
            int limit) {
        return store.range(MailboxFamilies.MAIL_MESSAGES, messageKey(address, folderId, fromUid),
                        messageKey(address, folderId, toUid + 1), limit)
                .thenApply(entries -> entries.stream().map(entry -> parse(MessageRecord.parser(), entry.value()))
                        .toList());
    }

    CompletionStage<List<MessageRecord>> messageRecords(String address, long folderId, RoaringBitmap uids) {
        List<CompletableFuture<List<MessageRecord>>> runs = new ArrayList<>();
        long[] run = {-1, -1};
        uids.forEach((int uid) -> {
            long value = Integer.toUnsignedLong(uid);
            if (value != run[1] + 1) {
                addRun(runs, address, folderId, run);
                run[0] = value;
            }
            run[1] = value;
        });
        addRun(runs, address, folderId, run);
        return CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<MessageRecord> records = new ArrayList<>();
            runs.forEach(read -> records.addAll(read.join()));
            return records;
        });
    }

    private void addRun(List<CompletableFuture<List<MessageRecord>>> runs, String address, long folderId,
            long[] run) {
        if (run[0] >= 0) {
            runs.add(messageRecords(address, folderId, run[0], run[1], Integer.MAX_VALUE).toCompletableFuture());
        }
    }

    /** How many messages share each content (absent: one). */
    CompletionStage<Optional<byte[]>> contentRefs(String address, long contentId) {
        return store.read(MailboxFamilies.MAIL_CONTENT_REFS, Keys.textAndLong(address, contentId));
    }

    CompletionStage<Optional<byte[]>> expunged(String address, byte[] key) {
        return store.read(MailboxFamilies.MAIL_EXPUNGED, key);
    }

    /** Expunged records older than {@code cutoff}, oldest first. */
    CompletionStage<List<Store.KeyValue>> expungedBefore(String address, Instant cutoff, int limit) {
        byte[] prefix = Keys.text(address);
        return store.range(MailboxFamilies.MAIL_EXPUNGED, prefix, numbered(prefix, cutoff.toEpochMilli()), limit);
    }

    static DeletedMessage deletedMessage(int prefixLength, Store.KeyValue entry) {
        ByteBuffer key = ByteBuffer.wrap(entry.key(), prefixLength, entry.key().length - prefixLength);
        long at = key.getLong();
        long folderId = key.getLong();
        long uid = key.getLong();
        ExpungedRecord record = parse(ExpungedRecord.parser(), entry.value());
        return new DeletedMessage(at + "." + folderId + "." + uid, record.getFolder(), Instant.ofEpochMilli(at),
                MailMessage.of(record.getMessage()));
    }

    /** The key of a deleted message's record from its id; empty when the id is not one we gave. */
    static Optional<byte[]> expungedKey(String address, String id) {
        String[] parts = id.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            return Optional.of(expungedKey(address, Instant.ofEpochMilli(Long.parseLong(parts[0])),
                    Long.parseLong(parts[1]), Long.parseLong(parts[2])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    static byte[] accountKey(String address) {
        return Keys.text(address);
    }

    static byte[] folderKey(String address, String name) {
        byte[] prefix = Keys.text(address);
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(prefix.length + utf8.length).put(prefix).put(utf8).array();
    }

    /** The start of every key of one folder's messages, uid blocks and changes. */
    static byte[] folderPrefix(String address, long folderId) {
        return Keys.textAndLong(address, folderId);
    }

    static byte[] messageKey(String address, long folderId, long uid) {
        return numbered(folderPrefix(address, folderId), uid);
    }

    static byte[] uidBlockKey(String address, long folderId, long block) {
        return numbered(folderPrefix(address, folderId), block);
    }

    static byte[] changeKey(String address, long folderId, long modSeq) {
        return numbered(folderPrefix(address, folderId), modSeq);
    }

    static byte[] expungedKey(String address, Instant at, long folderId, long uid) {
        byte[] prefix = Keys.text(address);
        return ByteBuffer.allocate(prefix.length + 3 * Long.BYTES).put(prefix).putLong(at.toEpochMilli())
                .putLong(folderId).putLong(uid).array();
    }

    static byte[] contentKey(String address, long contentId) {
        return Keys.textAndLong(address, contentId);
    }

    /** The key of a delivery's idempotency record, which exists exactly when the delivery was stored. */
    static byte[] deliveryKey(String address, QueueId id, int recipient) {
        byte[] prefix = Keys.text(address);
        return ByteBuffer.allocate(prefix.length + QueueId.BYTES + 2)
                .put(prefix).put(id.bytes()).putShort((short) recipient).array();
    }

    static byte[] numbered(byte[] prefix, long number) {
        return ByteBuffer.allocate(prefix.length + Long.BYTES).put(prefix).putLong(number).array();
    }

    static byte[] longValue(long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    static RoaringBitmap bitmap(byte[] serialized) {
        RoaringBitmap bitmap = new RoaringBitmap();
        if (serialized.length > 0) {
            try {
                bitmap.deserialize(new DataInputStream(new ByteArrayInputStream(serialized)));
            } catch (IOException e) {
                throw new StoreException("corrupt uid set: " + e.getMessage(), e);
            }
        }
        return bitmap;
    }

    static <T extends MessageLite> T parse(Parser<T> parser, byte[] bytes) {
        try {
            return parser.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new StoreException("corrupt mailbox record: " + e.getMessage(), e);
        }
    }

    static StoreFamily[] families() {
        return new StoreFamily[] {MailboxFamilies.MAIL_FOLDERS, MailboxFamilies.MAIL_MESSAGES,
            MailboxFamilies.MAIL_UIDS, MailboxFamilies.MAIL_CHANGES, MailboxFamilies.MAIL_EXPUNGED,
            MailboxFamilies.MAILBOX_CONTENT, MailboxFamilies.MAIL_CONTENT_REFS, MailboxFamilies.MAILBOX_DELIVERIES,
            MailboxFamilies.LEGACY_INDEX};
    }
}
