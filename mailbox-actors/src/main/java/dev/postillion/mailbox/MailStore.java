package dev.postillion.mailbox;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.postillion.core.Keys;
import dev.postillion.core.QueueId;
import dev.postillion.core.Store;
import dev.postillion.core.StoreBatch;
import dev.postillion.core.StoreException;
import dev.postillion.mailbox.proto.StoredMessage;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Mailbox records in the store, keyed by (address, uid) so that a listing is one range scan
 * (ARCHITECTURE rule 5). Only a {@link MailboxActor} writes an address's records; anyone may read.
 */
public final class MailStore {

    private final Store store;

    public MailStore(Store store) {
        this.store = store;
    }

    /** The uid the next stored message gets; uids start at 1 and only grow (as IMAP's do). */
    CompletionStage<Long> nextUid(String address) {
        return store.read(MailboxFamilies.MAILBOX_STATE, Keys.text(address))
                .thenApply(value -> value.map(bytes -> ByteBuffer.wrap(bytes).getLong()).orElse(1L));
    }

    /** The uid already given to this (queue id, recipient), or -1: makes redelivery idempotent. */
    CompletionStage<Long> deliveredUid(String address, QueueId id, int recipient) {
        return store.read(MailboxFamilies.MAILBOX_DELIVERIES, deliveryKey(address, id, recipient))
                .thenApply(value -> value.map(bytes -> ByteBuffer.wrap(bytes).getLong()).orElse(-1L));
    }

    /**
     * Makes {@code batch} depend on the uid counter still being {@code nextUid}, as this writer
     * read or wrote it last: a stale writer of the mailbox (another node's, during a partition or
     * a slow shard handover) is refused, so two writers never give one uid twice (the counter is
     * absent until the first message: 1).
     */
    void guardUidCounter(StoreBatch batch, String address, long nextUid) {
        batch.expect(MailboxFamilies.MAILBOX_STATE, Keys.text(address),
                nextUid == 1 ? null : ByteBuffer.allocate(Long.BYTES).putLong(nextUid).array());
    }

    /** Adds a message, its idempotency record and the advanced uid counter to {@code batch}. */
    void addMessage(StoreBatch batch, String address, StoredMessage message, byte[] content, int recipient) {
        byte[] key = Keys.textAndLong(address, message.getUid());
        batch.put(MailboxFamilies.MAILBOX_INDEX, key, message.toByteArray())
                .put(MailboxFamilies.MAILBOX_CONTENT, key, content)
                .put(MailboxFamilies.MAILBOX_STATE, Keys.text(address),
                        ByteBuffer.allocate(Long.BYTES).putLong(message.getUid() + 1).array());
        markDelivered(batch, address, QueueId.parse(message.getQueueId()), recipient, message.getUid());
    }

    /** Adds the idempotency record of a delivery to {@code batch}: a redelivery answers {@code uid}. */
    void markDelivered(StoreBatch batch, String address, QueueId id, int recipient, long uid) {
        batch.put(MailboxFamilies.MAILBOX_DELIVERIES, deliveryKey(address, id, recipient),
                ByteBuffer.allocate(Long.BYTES).putLong(uid).array());
    }

    /**
     * Adds to {@code batch} the deletion of the idempotency records of messages queued before
     * {@code cutoff}: their spool entries are long gone, so no redelivery can come for them.
     */
    void forgetDeliveriesBefore(StoreBatch batch, String address, QueueId cutoff) {
        byte[] prefix = Keys.text(address);
        byte[] end = ByteBuffer.allocate(prefix.length + QueueId.BYTES).put(prefix).put(cutoff.bytes()).array();
        batch.deleteRange(MailboxFamilies.MAILBOX_DELIVERIES, prefix, end);
    }

    /** Adds the deletion of everything the address holds to {@code batch}. */
    void purge(StoreBatch batch, String address) {
        byte[] prefix = Keys.text(address);
        byte[] end = Keys.prefixEnd(prefix);
        batch.deleteRange(MailboxFamilies.MAILBOX_INDEX, prefix, end)
                .deleteRange(MailboxFamilies.MAILBOX_CONTENT, prefix, end)
                .deleteRange(MailboxFamilies.MAILBOX_DELIVERIES, prefix, end)
                .delete(MailboxFamilies.MAILBOX_STATE, prefix);
    }

    /** Messages with uid greater than {@code afterUid}, in uid order, at most {@code limit}. */
    public CompletionStage<List<MailboxEntry>> list(String address, long afterUid, int limit) {
        byte[] from = Keys.textAndLong(address, afterUid + 1);
        byte[] to = Keys.prefixEnd(Keys.text(address));
        return store.range(MailboxFamilies.MAILBOX_INDEX, from, to, limit).thenApply(entries -> entries.stream()
                .map(entry -> {
                    try {
                        return MailboxEntry.of(StoredMessage.parseFrom(entry.value()));
                    } catch (InvalidProtocolBufferException e) {
                        throw new StoreException("corrupt mailbox record: " + e.getMessage(), e);
                    }
                })
                .toList());
    }

    /** The stored message as delivered; empty if there is no such uid. */
    public CompletionStage<Optional<byte[]>> content(String address, long uid) {
        return store.read(MailboxFamilies.MAILBOX_CONTENT, Keys.textAndLong(address, uid));
    }

    /** The key of a delivery's idempotency record, which exists exactly when the delivery was stored. */
    static byte[] deliveryKey(String address, QueueId id, int recipient) {
        byte[] prefix = Keys.text(address);
        return ByteBuffer.allocate(prefix.length + QueueId.BYTES + 2)
                .put(prefix).put(id.bytes()).putShort((short) recipient).array();
    }
}
