package dev.postillion.queue;

import dev.postillion.core.Envelope;
import dev.postillion.core.QueueId;
import dev.postillion.core.QueueIdGenerator;
import dev.postillion.core.Store;
import dev.postillion.core.StoreFamily;
import dev.postillion.queue.ParkedMessages.Parked;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every message enters the queue (the job of Postfix's cleanup(8)): SMTP sessions, and
 * reports, replies and forwards (those of a mailbox through {@link #spoolWith}). {@link #accept} returns once the message is durable; the queue
 * manager then takes over its delivery. The envelope is spooled with the body type the content
 * really has ({@link BodyType}), so that delivery need not read the content again to know it.
 */
public final class Spool {

    /**
     * A message committed to the spool, to hand over to the queue manager.
     *
     * @param content null when the queue manager is to read it from the spool
     */
    private record Staged(QueueId id, Envelope envelope, byte[] content) {}

    private static final Logger log = LoggerFactory.getLogger(Spool.class);

    private final SpoolStore store;
    private final ParkedMessages parking;
    private final QueueIdGenerator ids;
    private final CompletionStage<ActorRef<QueueManager.Command>> queueManager;

    /**
     * @param queueManager completes with the node's queue manager; messages spooled before it is
     *     known are handed over when it is (mailboxes start before the queue manager that uses them)
     */
    public Spool(SpoolStore store, QueueIdGenerator ids, CompletionStage<ActorRef<QueueManager.Command>> queueManager) {
        this.store = store;
        this.parking = new ParkedMessages(store);
        this.ids = ids;
        this.queueManager = queueManager;
    }

    /** A fresh id, taken before the content is complete so that the Received header can name it. */
    public QueueId newId() {
        return ids.next();
    }

    /**
     * Commits the message with a synced WAL and hands it to the queue manager. When the stage
     * completes normally, the message survives a crash; it is what a 250 reply promises.
     */
    public CompletionStage<Void> accept(QueueId id, Envelope envelope, byte[] content) {
        Envelope recorded = BodyType.recorded(envelope, content);
        return store.accept(id, recorded, content).thenRun(() -> handOver(new Staged(id, recorded, content)));
    }

    /**
     * Commits a message written in pieces while it arrived ({@link #writePiece}), as {@link
     * #accept(QueueId, Envelope, byte[])} does: its content is {@code head} then {@code body}, whose
     * first {@code written} pieces are in the store already. The queue manager reads it back when
     * it delivers it, instead of being handed a copy.
     */
    public CompletionStage<Void> accept(QueueId id, Envelope envelope, byte[] head, byte[] body, int written) {
        Envelope recorded = BodyType.recorded(envelope, head, body);
        return store.accept(id, recorded, head, body, written).thenRun(() -> handOver(new Staged(id, recorded, null)));
    }

    /**
     * Writes piece {@code index} ({@value SpoolStore#PIECE_BYTES} octets) of a message that is
     * still arriving under {@code id}; it becomes durable with the message's commit.
     */
    public CompletionStage<Void> writePiece(QueueId id, int index, byte[] piece) {
        return store.writePiece(id, index, piece);
    }

    /** Piece {@code index} of a message being written in pieces, if the store has it. */
    public CompletionStage<Optional<byte[]>> piece(QueueId id, int index) {
        return store.piece(id, index);
    }

    /** Deletes the pieces written for a message that is refused or abandoned. */
    public CompletionStage<Void> discardPieces(QueueId id, int count) {
        return store.discardPieces(id, count);
    }

    /**
     * A message to spool once a write in the shared store lands.
     *
     * @param markFamily with {@code markKey}: a record that write puts, whose existence proves it landed
     */
    public record Outgoing(Envelope envelope, byte[] content, StoreFamily markFamily, byte[] markKey) {}

    /**
     * Runs {@code write} (to the shared store) and spools {@code messages} exactly when it lands:
     * a mailbox's forwards enter the queue together with the delivery that caused them, or not at
     * all (ARCHITECTURE rule 4), though the mailbox and the spool are different stores in a
     * cluster. The messages are parked first; see {@link ParkedMessages}.
     *
     * @return completes as {@code write} does; a failure to park fails it without running it
     */
    public CompletionStage<Void> spoolWith(List<Outgoing> messages, Supplier<CompletionStage<Void>> write) {
        if (messages.isEmpty()) {
            return write.get();
        }
        List<Parked> parked = messages.stream().map(message -> new Parked(newId(),
                BodyType.recorded(message.envelope(), message.content()), message.content(), message.markFamily(),
                message.markKey())).toList();
        return parking.park(parked).thenCompose(ready -> write.get().handle((written, failure) -> failure))
                .thenCompose(failure -> failure == null ? released(parked)
                        : parking.discard(parked).handle((discarded, ignored) -> {
                            throw failure instanceof CompletionException wrapped ? wrapped : new CompletionException(failure);
                        }));
    }

    /** Releases messages whose write landed; if that fails, {@link #settleParked} does at the next start. */
    private CompletionStage<Void> released(List<Parked> parked) {
        return parking.release(parked).handle((done, failure) -> {
            if (failure == null) {
                parked.forEach(message -> handOver(new Staged(message.id(), message.envelope(), message.content())));
            } else {
                log.error("Releasing {} parked messages failed, left for the next start: {}", parked.size(),
                        failure.getMessage());
            }
            return null;
        });
    }

    /**
     * After a crash: releases the parked messages whose write landed and drops the others. Call
     * before the mailboxes take deliveries.
     *
     * @param shared the store the writes went to
     * @param families every family of the node
     */
    public CompletionStage<Integer> settleParked(Store shared, Collection<StoreFamily> families) {
        return parking.settle(shared, families).thenApply(released -> {
            released.forEach(message -> handOver(new Staged(message.id(), message.envelope(), message.content())));
            return released.size();
        });
    }

    /** Tells the queue manager of a message committed to the spool. */
    private void handOver(Staged staged) {
        queueManager.thenAccept(manager ->
                manager.tell(new QueueManager.Enqueue(staged.id(), staged.envelope(), staged.content())));
    }
}
