package dev.postillion.queue;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.postillion.core.Envelope;
import dev.postillion.core.QueueId;
import dev.postillion.core.Store;
import dev.postillion.core.Store.Durability;
import dev.postillion.core.StoreBatch;
import dev.postillion.core.StoreException;
import dev.postillion.core.StoreFamily;
import dev.postillion.core.proto.EnvelopeRecord;
import dev.postillion.core.proto.RecipientState;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The spool's records in the store: per message its envelope, its content, and one state record
 * per recipient not yet final. A recipient's record is deleted when it becomes final (ARCHITECTURE
 * rule 4), and the message's records go with its last recipient, in the same atomic batch.
 */
public final class SpoolStore {

    /** A spooled message with the recipients still to deliver, as found by {@link #unfinished}. */
    public record UnfinishedMessage(QueueId id, Envelope envelope, List<Integer> pendingRecipients) {}

    private static final int SCAN_PAGE = 1024;

    private final Store store;

    public SpoolStore(Store store) {
        this.store = store;
    }

    /** Commits a new message with every recipient pending; completes once the WAL is fsynced. */
    public CompletionStage<Void> accept(QueueId id, Envelope envelope, byte[] content) {
        byte[] key = id.bytes();
        StoreBatch batch = new StoreBatch()
                .put(StoreFamily.QUEUE_ENVELOPES, key, envelope.toRecord().toByteArray())
                .put(StoreFamily.QUEUE_MESSAGES, key, content);
        byte[] pending = RecipientState.newBuilder().setStatus(RecipientState.Status.PENDING).build().toByteArray();
        for (int i = 0; i < envelope.recipients().size(); i++) {
            batch.put(StoreFamily.QUEUE_RECIPIENTS, recipientKey(id, i), pending);
        }
        return store.commit(batch, Durability.SYNC);
    }

    /**
     * Records that these recipients are final, and when none is left, removes the message. Buffered:
     * if a crash loses it, the recipients are delivered again, which delivery makes idempotent.
     */
    public CompletionStage<Void> finish(QueueId id, Collection<Integer> finalRecipients, boolean messageDone) {
        StoreBatch batch = new StoreBatch();
        byte[] key = id.bytes();
        if (messageDone) {
            batch.delete(StoreFamily.QUEUE_ENVELOPES, key)
                    .delete(StoreFamily.QUEUE_MESSAGES, key)
                    .deleteRange(StoreFamily.QUEUE_RECIPIENTS, recipientKey(id, 0), recipientKey(id, 0xFFFF));
        } else {
            finalRecipients.forEach(i -> batch.delete(StoreFamily.QUEUE_RECIPIENTS, recipientKey(id, i)));
        }
        return store.commit(batch, Durability.BUFFERED);
    }

    /** Records a deferred attempt for a recipient that stays pending. */
    public CompletionStage<Void> defer(QueueId id, int recipient, RecipientState state) {
        return store.commit(new StoreBatch().put(StoreFamily.QUEUE_RECIPIENTS, recipientKey(id, recipient),
                state.toByteArray()), Durability.BUFFERED);
    }

    /** @return the message as accepted, or null if the spool no longer holds it */
    public byte[] content(QueueId id) {
        return store.get(StoreFamily.QUEUE_MESSAGES, id.bytes());
    }

    /** Every message still in the spool, for recovery at start-up (the only full scan). */
    public List<UnfinishedMessage> unfinished() {
        List<UnfinishedMessage> result = new ArrayList<>();
        byte[] from = new byte[0];
        byte[] end = new byte[QueueId.BYTES + 1];
        java.util.Arrays.fill(end, (byte) 0xFF);
        while (true) {
            List<Store.KeyValue> page = store.range(StoreFamily.QUEUE_ENVELOPES, from, end, SCAN_PAGE);
            for (Store.KeyValue entry : page) {
                QueueId id = QueueId.fromBytes(entry.key(), 0);
                result.add(new UnfinishedMessage(id, parseEnvelope(entry.value()), pendingRecipients(id)));
            }
            if (page.size() < SCAN_PAGE) {
                return result;
            }
            byte[] last = page.get(page.size() - 1).key();
            from = java.util.Arrays.copyOf(last, last.length + 1); // the next key after `last`
        }
    }

    private List<Integer> pendingRecipients(QueueId id) {
        List<Integer> pending = new ArrayList<>();
        for (Store.KeyValue entry : store.range(StoreFamily.QUEUE_RECIPIENTS, recipientKey(id, 0),
                recipientKey(id, 0xFFFF), 0x10000)) {
            pending.add(Short.toUnsignedInt(ByteBuffer.wrap(entry.key(), QueueId.BYTES, 2).getShort()));
        }
        return pending;
    }

    private static Envelope parseEnvelope(byte[] bytes) {
        try {
            return Envelope.fromRecord(EnvelopeRecord.parseFrom(bytes));
        } catch (InvalidProtocolBufferException e) {
            throw new StoreException("corrupt envelope record: " + e.getMessage(), e);
        }
    }

    private static byte[] recipientKey(QueueId id, int recipient) {
        return ByteBuffer.allocate(QueueId.BYTES + 2).put(id.bytes()).putShort((short) recipient).array();
    }
}
