package dev.postillion.queue;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.postillion.core.Envelope;
import dev.postillion.core.Keys;
import dev.postillion.core.QueueId;
import dev.postillion.core.SealingKey;
import dev.postillion.core.Store;
import dev.postillion.core.Store.Durability;
import dev.postillion.core.StoreBatch;
import dev.postillion.core.StoreException;
import dev.postillion.queue.QueueCounts.State;
import dev.postillion.queue.proto.EnvelopeRecord;
import dev.postillion.queue.proto.MessageState;
import dev.postillion.queue.proto.ParkedMessage;
import dev.postillion.queue.proto.RecipientState;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The spool's records in the store. Per message: its envelope, its content, one state record per
 * recipient, a queue state once it has been attempted, and one entry in the schedule index keyed
 * by (due time, queue id) while it is not on hold. Every change to a message is one atomic batch
 * ({@link Change}); the message's records go together with its last pending recipient.
 *
 * <p>A large message's content is written in pieces of {@value #PIECE_BYTES} octets while it
 * arrives, as Postfix writes its queue file during DATA, so that a session holds one piece of it
 * at a time ({@link #writePiece}). Those writes are not synced: the message's commit, whose WAL
 * fsync covers every write before it, makes them durable with it, and a message never committed
 * leaves pieces that {@link #discardPieces} or, after a crash, {@link #discardOrphanPieces}
 * remove. The content is then the message's record (our trace fields) followed by its pieces.
 *
 * <p>Not final, so that a test can make its commits fail as a full disk would.
 */
public class SpoolStore {

    /** A message in the spool, as the queue manager and the operator see it. */
    /**
     * @param contentPieces how many pieces of its content are kept apart from its record
     * @param contentSize octets of its content; 0 if its record was written before sizes were kept
     */
    public record QueuedMessage(QueueId id, Envelope envelope, MessageState state,
            Map<Integer, RecipientState> recipients, int contentPieces, long contentSize) {

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
    /** The size of each piece but the last of a message written in pieces. */
    public static final int PIECE_BYTES = 256 * 1024;
    /** More pieces than a message can have (max-message-size is an int, and so is a piece's number). */
    private static final int PIECES_LIMIT = Integer.MAX_VALUE;
    /** Keys read at once when the spool is counted at start. */
    private static final int COUNT_PAGE = 10_000;

    private final Store store;
    private final SpoolSeal seal;
    private final QueueCounts counts = new QueueCounts();

    /** @param contentKey the key content is sealed with at rest (the master key's, {@link SpoolSeal}) */
    public SpoolStore(Store store, SealingKey contentKey) {
        this.store = store;
        this.seal = new SpoolSeal(contentKey);
    }

    /** How many messages are in each state: counted at {@link #countMessages}, then moved by each change. */
    public QueueCounts counts() {
        return counts;
    }

    /**
     * Counts the spool's messages by state, once, when the node starts and before anything is
     * written to it: every envelope is a message, and its state record, if it has one, says
     * whether it was attempted or held. Read in pages of keys, so the count holds one page.
     */
    public CompletionStage<Void> countMessages() {
        return countEnvelopes(EMPTY, 0).thenCompose(total -> countStates(EMPTY, new long[State.values().length])
                .thenAccept(found -> {
                    found[State.ACTIVE.ordinal()] = total - found[State.DEFERRED.ordinal()] - found[State.HOLD.ordinal()];
                    counts.add(found);
                }));
    }

    private CompletionStage<Long> countEnvelopes(byte[] from, long counted) {
        return store.keys(SpoolFamilies.ENVELOPES, from, afterEveryId(), COUNT_PAGE).thenCompose(keys -> keys.size()
                < COUNT_PAGE ? CompletableFuture.completedFuture(counted + keys.size())
                : countEnvelopes(Keys.successor(keys.get(keys.size() - 1)), counted + keys.size()));
    }

    private CompletionStage<long[]> countStates(byte[] from, long[] found) {
        return store.range(SpoolFamilies.STATE, from, afterEveryId(), COUNT_PAGE).thenCompose(states -> {
            for (Store.KeyValue entry : states) {
                try {
                    found[State.of(MessageState.parseFrom(entry.value())).ordinal()]++;
                } catch (InvalidProtocolBufferException e) {
                    throw new StoreException(QueueId.fromBytes(entry.key(), 0) + ": corrupt spool record: "
                            + e.getMessage(), e);
                }
            }
            return states.size() < COUNT_PAGE ? CompletableFuture.completedFuture(found)
                    : countStates(Keys.successor(states.get(states.size() - 1).key()), found);
        });
    }

    /** Commits a new message with every recipient pending; completes once the WAL is fsynced. */
    public CompletionStage<Void> accept(QueueId id, Envelope envelope, byte[] content) {
        return commit(change().spool(id, envelope, content), Durability.SYNC);
    }

    /**
     * Commits a new message, every recipient pending, whose content is {@code head} (our trace
     * fields) then {@code body}, of which the first {@code written} pieces are already in the
     * store ({@link #writePiece}): the rest of it is written now, as the last piece.
     */
    public CompletionStage<Void> accept(QueueId id, Envelope envelope, byte[] head, byte[] body, int written) {
        byte[] last = Arrays.copyOfRange(body, Math.multiplyExact(written, PIECE_BYTES), body.length);
        return commit(change().spool(id, envelope, head, written, last), Durability.SYNC);
    }

    /**
     * Writes piece {@code index} of a message that is still arriving; not synced, for the
     * message's commit will be (see above).
     */
    public CompletionStage<Void> writePiece(QueueId id, int index, byte[] piece) {
        byte[] key = pieceKey(id, index);
        return store.commit(new StoreBatch().put(SpoolFamilies.CONTENT_PIECES, key,
                seal.seal(SpoolFamilies.CONTENT_PIECES, key, piece)), Durability.BUFFERED);
    }

    /** Piece {@code index} of a message's content, if the store has it. */
    public CompletionStage<Optional<byte[]>> piece(QueueId id, int index) {
        byte[] key = pieceKey(id, index);
        return store.read(SpoolFamilies.CONTENT_PIECES, key)
                .thenApply(piece -> piece.map(sealed -> seal.open(SpoolFamilies.CONTENT_PIECES, key, sealed)));
    }

    /** Deletes the first {@code count} pieces of a message that is not spooled after all. */
    public CompletionStage<Void> discardPieces(QueueId id, int count) {
        StoreBatch batch = new StoreBatch();
        deletePieces(batch, id, count);
        return store.commit(batch, Durability.BUFFERED);
    }

    /**
     * Deletes the pieces of messages that were never committed: what a crash during DATA leaves.
     * Only while no message is arriving, that is before the listeners open.
     *
     * @return how many pieces were deleted
     */
    public CompletionStage<Integer> discardOrphanPieces() {
        byte[] end = new byte[QueueId.BYTES + Integer.BYTES + 1];
        Arrays.fill(end, (byte) 0xFF);
        return store.keys(SpoolFamilies.CONTENT_PIECES, EMPTY, end, PIECES_LIMIT).thenCompose(keys -> {
            Map<QueueId, List<byte[]>> byMessage = new HashMap<>();
            for (byte[] key : keys) {
                byMessage.computeIfAbsent(QueueId.fromBytes(key, 0), id -> new ArrayList<>()).add(key);
            }
            return discardOrphans(byMessage);
        });
    }

    private CompletionStage<Integer> discardOrphans(Map<QueueId, List<byte[]>> byMessage) {
        List<CompletableFuture<Integer>> checks = new ArrayList<>();
        for (Map.Entry<QueueId, List<byte[]>> message : byMessage.entrySet()) {
            checks.add(store.read(SpoolFamilies.ENVELOPES, message.getKey().bytes())
                    .thenCompose(envelope -> {
                        if (envelope.isPresent()) {
                            return CompletableFuture.completedFuture(0);
                        }
                        StoreBatch batch = new StoreBatch();
                        message.getValue().forEach(key -> batch.delete(SpoolFamilies.CONTENT_PIECES, key));
                        return store.commit(batch, Durability.BUFFERED).thenApply(done -> message.getValue().size());
                    }).toCompletableFuture());
        }
        return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
                .thenApply(done -> checks.stream().mapToInt(CompletableFuture::join).sum());
    }

    /** The node's store the spool is in. */
    Store store() {
        return store;
    }

    public Change change() {
        return new Change(new StoreBatch(), seal);
    }

    /** Changes written into a batch that also carries other records, committed by its owner. */
    public Change change(StoreBatch batch) {
        return new Change(batch, seal);
    }

    /** A parked message's content as written by {@link Change#park}. */
    byte[] parkedContent(QueueId id, ParkedMessage record) {
        byte[] content = record.getContent().toByteArray();
        return record.getContentSealed() ? seal.open(SpoolFamilies.PARKED, id.bytes(), content) : content;
    }

    /** Commits the change; once it is in the store, the counts move as it moved messages. */
    public CompletionStage<Void> commit(Change change, Durability durability) {
        return store.commit(change.batch, durability).thenRun(() -> counts.add(change.moved));
    }

    /**
     * The message as accepted, completed on the store's reader threads (as every read here):
     * null if the spool no longer holds it. Fails with {@link StoreException} if pieces of it are
     * missing: a message cut short must never be delivered as if whole.
     */
    public CompletionStage<byte[]> content(QueueId id) {
        byte[] end = pieceKey(id, -1);
        CompletionStage<List<Store.KeyValue>> pieces = store.range(SpoolFamilies.CONTENT_PIECES, pieceKey(id, 0),
                Keys.successor(end), PIECES_LIMIT);
        CompletionStage<Optional<byte[]>> envelope = store.read(SpoolFamilies.ENVELOPES, id.bytes());
        return store.read(SpoolFamilies.MESSAGES, id.bytes()).thenCombine(pieces, (head, parts) -> {
            if (head.isEmpty()) {
                return null;
            }
            return new Parts(head.get(), parts);
        }).thenCombine(envelope, (parts, record) -> {
            if (parts == null || record.isEmpty()) {
                return null;
            }
            EnvelopeRecord envelopeRecord = envelopeRecord(record.get());
            if (parts.pieces().size() != envelopeRecord.getContentPieces()) {
                throw new StoreException("content of " + id + " is incomplete: " + parts.pieces().size() + " of "
                        + envelopeRecord.getContentPieces() + " pieces");
            }
            if (!envelopeRecord.getContentSealed()) {
                return joined(parts.head(), parts.pieces().stream().map(Store.KeyValue::value).toList());
            }
            return joined(seal.open(SpoolFamilies.MESSAGES, id.bytes(), parts.head()), parts.pieces().stream()
                    .map(piece -> seal.open(SpoolFamilies.CONTENT_PIECES, piece.key(), piece.value())).toList());
        });
    }

    /** A message's content as stored: its record, then its pieces in order. */
    private record Parts(byte[] head, List<Store.KeyValue> pieces) {}

    private static EnvelopeRecord envelopeRecord(byte[] bytes) {
        try {
            return EnvelopeRecord.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new StoreException("unreadable envelope record", e);
        }
    }

    private static byte[] joined(byte[] head, List<byte[]> pieces) {
        if (pieces.isEmpty()) {
            return head;
        }
        long length = head.length;
        for (byte[] piece : pieces) {
            length += piece.length;
        }
        byte[] content = Arrays.copyOf(head, Math.toIntExact(length));
        int at = head.length;
        for (byte[] piece : pieces) {
            System.arraycopy(piece, 0, content, at, piece.length);
            at += piece.length;
        }
        return content;
    }

    /** The message's envelope and states: null if the spool no longer holds it. */
    public CompletionStage<QueuedMessage> message(QueueId id) {
        return store.read(SpoolFamilies.ENVELOPES, id.bytes())
                .thenCompose(envelope -> envelope.isEmpty() ? CompletableFuture.completedFuture(null)
                        : load(id, envelope.get()));
    }

    /**
     * Schedule entries due at or before {@code now}, in due order, from {@code from} (null: the
     * start of the index), which is included or not as {@code inclusive} says.
     */
    public CompletionStage<List<Due>> due(Due from, boolean inclusive, long now, int limit) {
        byte[] start = from == null ? EMPTY : inclusive ? from.key() : Keys.successor(from.key());
        return schedule(start, scheduleKey(now + 1, new QueueId(0, 0)), limit);
    }

    /** Schedule order: by due time, then queue id. */
    public static int compare(Due a, Due b) {
        return Arrays.compareUnsigned(a.key(), b.key());
    }

    /** The first schedule entry due after {@code now}, or null when there is none. */
    public CompletionStage<Due> firstDueAfter(long now) {
        return schedule(scheduleKey(now + 1, new QueueId(0, 0)), scheduleKey(Long.MAX_VALUE, new QueueId(-1, -1)), 1)
                .thenApply(first -> first.isEmpty() ? null : first.get(0));
    }

    /** A page of the spool in queue id order, after {@code after} (exclusive; null: from the start). */
    public CompletionStage<List<QueuedMessage>> messages(QueueId after, int limit) {
        byte[] from = after == null ? EMPTY : Keys.successor(after.bytes());
        return store.range(SpoolFamilies.ENVELOPES, from, afterEveryId(), limit).thenCompose(envelopes -> {
            List<CompletableFuture<QueuedMessage>> page = envelopes.stream()
                    .map(entry -> load(QueueId.fromBytes(entry.key(), 0), entry.value()).toCompletableFuture())
                    .toList();
            return CompletableFuture.allOf(page.toArray(CompletableFuture[]::new))
                    .thenApply(done -> page.stream().map(CompletableFuture::join).toList());
        });
    }

    private CompletionStage<List<Due>> schedule(byte[] from, byte[] to, int limit) {
        return store.range(SpoolFamilies.SCHEDULE, from, to, limit).thenApply(read -> {
            List<Due> entries = new ArrayList<>();
            for (Store.KeyValue entry : read) {
                ByteBuffer key = ByteBuffer.wrap(entry.key());
                entries.add(new Due(key.getLong(), QueueId.fromBytes(entry.key(), Long.BYTES)));
            }
            return entries;
        });
    }

    /** The message's states, read beside its envelope (which the caller has read). */
    private CompletionStage<QueuedMessage> load(QueueId id, byte[] envelopeBytes) {
        CompletionStage<Optional<byte[]>> state = store.read(SpoolFamilies.STATE, id.bytes());
        CompletionStage<List<Store.KeyValue>> recipients = store.range(SpoolFamilies.RECIPIENTS,
                recipientKey(id, 0), recipientKey(id, 0xFFFF), 0x10000);
        return state.thenCombine(recipients, (stateBytes, recipientStates) -> {
            try {
                EnvelopeRecord record = EnvelopeRecord.parseFrom(envelopeBytes);
                Map<Integer, RecipientState> byIndex = new HashMap<>();
                for (Store.KeyValue entry : recipientStates) {
                    int index = Short.toUnsignedInt(ByteBuffer.wrap(entry.key(), QueueId.BYTES, 2).getShort());
                    byIndex.put(index, RecipientState.parseFrom(entry.value()));
                }
                return new QueuedMessage(id, EnvelopeRecords.fromRecord(record), stateBytes.isEmpty()
                        ? MessageState.getDefaultInstance() : MessageState.parseFrom(stateBytes.get()), byIndex,
                        record.getContentPieces(), record.getContentSize());
            } catch (InvalidProtocolBufferException e) {
                throw new StoreException(id + ": corrupt spool record: " + e.getMessage(), e);
            }
        });
    }

    static long dueOf(Envelope envelope, MessageState state) {
        return state.getDueEpochMillis() != 0 ? state.getDueEpochMillis() : envelope.arrival().toEpochMilli();
    }

    /** A key greater than every queue id: the end of a range over keys that are queue ids. */
    static byte[] afterEveryId() {
        byte[] end = new byte[QueueId.BYTES + 1];
        Arrays.fill(end, (byte) 0xFF);
        return end;
    }

    private static byte[] recipientKey(QueueId id, int recipient) {
        return ByteBuffer.allocate(QueueId.BYTES + 2).put(id.bytes()).putShort((short) recipient).array();
    }

    /** Pieces sort by message, then by number (unsigned: -1 is the largest, for a range's end). */
    private static byte[] pieceKey(QueueId id, int index) {
        return ByteBuffer.allocate(QueueId.BYTES + Integer.BYTES).put(id.bytes()).putInt(index).array();
    }

    private static void deletePieces(StoreBatch batch, QueueId id, int count) {
        for (int i = 0; i < count; i++) {
            batch.delete(SpoolFamilies.CONTENT_PIECES, pieceKey(id, i));
        }
    }

    private static byte[] scheduleKey(long due, QueueId id) {
        return ByteBuffer.allocate(Long.BYTES + QueueId.BYTES).putLong(due).put(id.bytes()).array();
    }

    /** Changes to the spool that land together, in one atomic batch. */
    public static final class Change {

        private final StoreBatch batch;
        private final SpoolSeal seal;
        /** Messages gained (or lost) in each state, by QueueCounts.State ordinal. */
        private final long[] moved = new long[State.values().length];

        private Change(StoreBatch batch, SpoolSeal seal) {
            this.batch = batch;
            this.seal = seal;
        }

        /** A new message, every recipient pending, due at its arrival. */
        public Change spool(QueueId id, Envelope envelope, byte[] content) {
            return spool(id, EnvelopeRecords.toRecord(envelope).toBuilder().setContentSize(content.length).build(),
                    content);
        }

        /**
         * A new message whose content is {@code head} then {@code written} pieces already in the
         * store, then {@code last}, written now.
         */
        Change spool(QueueId id, Envelope envelope, byte[] head, int written, byte[] last) {
            byte[] lastKey = pieceKey(id, written);
            batch.put(SpoolFamilies.CONTENT_PIECES, lastKey, seal.seal(SpoolFamilies.CONTENT_PIECES, lastKey, last));
            long size = head.length + (long) written * PIECE_BYTES + last.length;
            return spool(id, EnvelopeRecords.toRecord(envelope).toBuilder().setContentPieces(written + 1)
                    .setContentSize(size).build(), head);
        }

        private Change spool(QueueId id, EnvelopeRecord envelope, byte[] content) {
            moved[State.ACTIVE.ordinal()]++;
            byte[] key = id.bytes();
            batch.put(SpoolFamilies.ENVELOPES, key, envelope.toBuilder().setContentSealed(true).build().toByteArray())
                    .put(SpoolFamilies.MESSAGES, key, seal.seal(SpoolFamilies.MESSAGES, key, content))
                    .put(SpoolFamilies.SCHEDULE, scheduleKey(envelope.getArrivalEpochMillis(), id), EMPTY);
            for (int i = 0; i < envelope.getRecipientsCount(); i++) {
                batch.put(SpoolFamilies.RECIPIENTS, recipientKey(id, i), PENDING);
            }
            return this;
        }

        /** Keeps a message aside until its mark is written ({@link ParkedMessages}). */
        Change park(ParkedMessages.Parked message) {
            batch.put(SpoolFamilies.PARKED, message.id().bytes(), ParkedMessage.newBuilder()
                    .setEnvelope(EnvelopeRecords.toRecord(message.envelope()))
                    .setContent(ByteString.copyFrom(seal.seal(SpoolFamilies.PARKED, message.id().bytes(),
                            message.content())))
                    .setContentSealed(true)
                    .setMarkFamily(message.markFamily().name())
                    .setMarkKey(ByteString.copyFrom(message.markKey()))
                    .build().toByteArray());
            return this;
        }

        /** Removes the parked copy of a message ({@link ParkedMessages}). */
        Change unpark(QueueId id) {
            batch.delete(SpoolFamilies.PARKED, id.bytes());
            return this;
        }

        public Change recipient(QueueId id, int index, RecipientState state) {
            batch.put(SpoolFamilies.RECIPIENTS, recipientKey(id, index), state.toByteArray());
            return this;
        }

        /** The message's new queue state; its schedule entry is moved with {@link #schedule}. */
        public Change state(QueuedMessage message, MessageState state) {
            moved[State.of(message.state()).ordinal()]--;
            moved[State.of(state).ordinal()]++;
            batch.put(SpoolFamilies.STATE, message.id().bytes(), state.toByteArray());
            return this;
        }

        public Change schedule(QueueId id, long due) {
            batch.put(SpoolFamilies.SCHEDULE, scheduleKey(due, id), EMPTY);
            return this;
        }

        public Change unschedule(QueueId id, long due) {
            batch.delete(SpoolFamilies.SCHEDULE, scheduleKey(due, id));
            return this;
        }

        /**
         * Removes every record of the message. Its recipients' records are deleted one by one, not
         * as a range: a range tombstone per message would pile up and slow every later read.
         */
        public Change remove(QueuedMessage message) {
            moved[State.of(message.state()).ordinal()]--;
            QueueId id = message.id();
            byte[] key = id.bytes();
            batch.delete(SpoolFamilies.ENVELOPES, key)
                    .delete(SpoolFamilies.MESSAGES, key)
                    .delete(SpoolFamilies.STATE, key)
                    .delete(SpoolFamilies.SCHEDULE, scheduleKey(message.due(), id));
            deletePieces(batch, id, message.contentPieces());
            for (int i = 0; i < message.envelope().recipients().size(); i++) {
                batch.delete(SpoolFamilies.RECIPIENTS, recipientKey(id, i));
            }
            return this;
        }
    }
}
