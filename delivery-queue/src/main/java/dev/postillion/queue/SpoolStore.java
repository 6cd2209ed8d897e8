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
import dev.postillion.core.proto.MessageState;
import dev.postillion.core.proto.RecipientState;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The spool's records in the store. Per message: its envelope, its content, one state record per
 * recipient, a queue state once it has been attempted, and one entry in the schedule index keyed
 * by (due time, queue id) while it is not on hold. Every change to a message is one atomic batch
 * ({@link Change}); the message's records go together with its last pending recipient.
 *
 * <p>Not final, so that a test can make its commits fail as a full disk would.
 */
public class SpoolStore {

    /** A message in the spool, as the queue manager and the operator see it. */
    public record QueuedMessage(QueueId id, Envelope envelope, MessageState state,
            Map<Integer, RecipientState> recipients) {

        public QueuedMessage {
            recipients = Map.copyOf(recipients);
        }

        /** When it is due, which is also the time its schedule entry is keyed by. */
        public long due() {
            return dueOf(envelope, state);
        }

        /** Recipients not yet final, in envelope order. */
        public List<Integer> pending() {
            List<Integer> pending = new ArrayList<>();
            for (int i = 0; i < envelope.recipients().size(); i++) {
                RecipientState recipient = recipients.get(i);
                if (recipient != null && recipient.getStatus() == RecipientState.Status.PENDING) {
                    pending.add(i);
                }
            }
            return pending;
        }

        public RecipientState recipient(int index) {
            return recipients.getOrDefault(index, RecipientState.getDefaultInstance());
        }
    }

    /** An entry of the schedule index. */
    public record Due(long dueEpochMillis, QueueId id) {
        byte[] key() {
            return scheduleKey(dueEpochMillis, id);
        }
    }

    private static final byte[] PENDING = RecipientState.newBuilder()
            .setStatus(RecipientState.Status.PENDING).build().toByteArray();
    private static final byte[] EMPTY = new byte[0];

    private final Store store;

    public SpoolStore(Store store) {
        this.store = store;
    }

    /** Commits a new message with every recipient pending; completes once the WAL is fsynced. */
    public CompletionStage<Void> accept(QueueId id, Envelope envelope, byte[] content) {
        return commit(change().spool(id, envelope, content), Durability.SYNC);
    }

    public Change change() {
        return new Change(new StoreBatch());
    }

    /** Changes written into a batch that also carries other records, committed by its owner. */
    public Change change(StoreBatch batch) {
        return new Change(batch);
    }

    public CompletionStage<Void> commit(Change change, Durability durability) {
        return store.commit(change.batch, durability);
    }

    /** @return the message as accepted, or null if the spool no longer holds it */
    public byte[] content(QueueId id) {
        return store.readBlocking(StoreFamily.QUEUE_MESSAGES, id.bytes()).orElse(null);
    }

    /** @return the message's envelope and states, or null if the spool no longer holds it */
    public QueuedMessage message(QueueId id) {
        byte[] envelope = store.readBlocking(StoreFamily.QUEUE_ENVELOPES, id.bytes()).orElse(null);
        return envelope == null ? null : load(id, envelope);
    }

    /**
     * Schedule entries due at or before {@code now}, in due order, from {@code from} (null: the
     * start of the index), which is included or not as {@code inclusive} says.
     */
    public List<Due> due(Due from, boolean inclusive, long now, int limit) {
        byte[] start = from == null ? EMPTY : inclusive ? from.key() : successor(from.key());
        return schedule(start, scheduleKey(now + 1, new QueueId(0, 0)), limit);
    }

    /** Schedule order: by due time, then queue id. */
    public static int compare(Due a, Due b) {
        return Arrays.compareUnsigned(a.key(), b.key());
    }

    /** The first schedule entry due after {@code now}, or null when there is none. */
    public Due firstDueAfter(long now) {
        List<Due> first = schedule(scheduleKey(now + 1, new QueueId(0, 0)),
                scheduleKey(Long.MAX_VALUE, new QueueId(-1, -1)), 1);
        return first.isEmpty() ? null : first.get(0);
    }

    /** A page of the spool in queue id order, after {@code after} (exclusive; null: from the start). */
    public List<QueuedMessage> messages(QueueId after, int limit) {
        byte[] from = after == null ? EMPTY : successor(after.bytes());
        byte[] to = new byte[QueueId.BYTES + 1];
        Arrays.fill(to, (byte) 0xFF);
        List<QueuedMessage> page = new ArrayList<>();
        for (Store.KeyValue entry : store.rangeBlocking(StoreFamily.QUEUE_ENVELOPES, from, to, limit)) {
            page.add(load(QueueId.fromBytes(entry.key(), 0), entry.value()));
        }
        return page;
    }

    private List<Due> schedule(byte[] from, byte[] to, int limit) {
        List<Due> entries = new ArrayList<>();
        for (Store.KeyValue entry : store.rangeBlocking(StoreFamily.QUEUE_SCHEDULE, from, to, limit)) {
            ByteBuffer key = ByteBuffer.wrap(entry.key());
            entries.add(new Due(key.getLong(), QueueId.fromBytes(entry.key(), Long.BYTES)));
        }
        return entries;
    }

    private QueuedMessage load(QueueId id, byte[] envelopeBytes) {
        try {
            Envelope envelope = Envelope.fromRecord(EnvelopeRecord.parseFrom(envelopeBytes));
            byte[] stateBytes = store.readBlocking(StoreFamily.QUEUE_STATE, id.bytes()).orElse(null);
            MessageState state = stateBytes == null
                    ? MessageState.getDefaultInstance()
                    : MessageState.parseFrom(stateBytes);
            Map<Integer, RecipientState> recipients = new HashMap<>();
            for (Store.KeyValue entry : store.rangeBlocking(StoreFamily.QUEUE_RECIPIENTS, recipientKey(id, 0),
                    recipientKey(id, 0xFFFF), 0x10000)) {
                int index = Short.toUnsignedInt(ByteBuffer.wrap(entry.key(), QueueId.BYTES, 2).getShort());
                recipients.put(index, RecipientState.parseFrom(entry.value()));
            }
            return new QueuedMessage(id, envelope, state, recipients);
        } catch (InvalidProtocolBufferException e) {
            throw new StoreException(id + ": corrupt spool record: " + e.getMessage(), e);
        }
    }

    static long dueOf(Envelope envelope, MessageState state) {
        return state.getDueEpochMillis() != 0 ? state.getDueEpochMillis() : envelope.arrival().toEpochMilli();
    }

    /** The smallest key after {@code key}. */
    private static byte[] successor(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }

    private static byte[] recipientKey(QueueId id, int recipient) {
        return ByteBuffer.allocate(QueueId.BYTES + 2).put(id.bytes()).putShort((short) recipient).array();
    }

    private static byte[] scheduleKey(long due, QueueId id) {
        return ByteBuffer.allocate(Long.BYTES + QueueId.BYTES).putLong(due).put(id.bytes()).array();
    }

    /** Changes to the spool that land together, in one atomic batch. */
    public static final class Change {

        private final StoreBatch batch;

        private Change(StoreBatch batch) {
            this.batch = batch;
        }

        /** A new message, every recipient pending, due at its arrival. */
        public Change spool(QueueId id, Envelope envelope, byte[] content) {
            byte[] key = id.bytes();
            batch.put(StoreFamily.QUEUE_ENVELOPES, key, envelope.toRecord().toByteArray())
                    .put(StoreFamily.QUEUE_MESSAGES, key, content)
                    .put(StoreFamily.QUEUE_SCHEDULE, scheduleKey(envelope.arrival().toEpochMilli(), id), EMPTY);
            for (int i = 0; i < envelope.recipients().size(); i++) {
                batch.put(StoreFamily.QUEUE_RECIPIENTS, recipientKey(id, i), PENDING);
            }
            return this;
        }

        public Change recipient(QueueId id, int index, RecipientState state) {
            batch.put(StoreFamily.QUEUE_RECIPIENTS, recipientKey(id, index), state.toByteArray());
            return this;
        }

        /** The message's queue state; its schedule entry is moved with {@link #schedule}. */
        public Change state(QueueId id, MessageState state) {
            batch.put(StoreFamily.QUEUE_STATE, id.bytes(), state.toByteArray());
            return this;
        }

        public Change schedule(QueueId id, long due) {
            batch.put(StoreFamily.QUEUE_SCHEDULE, scheduleKey(due, id), EMPTY);
            return this;
        }

        public Change unschedule(QueueId id, long due) {
            batch.delete(StoreFamily.QUEUE_SCHEDULE, scheduleKey(due, id));
            return this;
        }

        /**
         * Removes every record of the message. Its recipients' records are deleted one by one, not
         * as a range: a range tombstone per message would pile up and slow every later read.
         */
        public Change remove(QueuedMessage message) {
            QueueId id = message.id();
            byte[] key = id.bytes();
            batch.delete(StoreFamily.QUEUE_ENVELOPES, key)
                    .delete(StoreFamily.QUEUE_MESSAGES, key)
                    .delete(StoreFamily.QUEUE_STATE, key)
                    .delete(StoreFamily.QUEUE_SCHEDULE, scheduleKey(message.due(), id));
            for (int i = 0; i < message.envelope().recipients().size(); i++) {
                batch.delete(StoreFamily.QUEUE_RECIPIENTS, recipientKey(id, i));
            }
            return this;
        }
    }
}
