package dev.postillion.queue;

import dev.postillion.core.Envelope;
import dev.postillion.core.QueueId;
import dev.postillion.core.QueueIdGenerator;
import dev.postillion.core.StoreBatch;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Where every message enters the queue (the job of Postfix's cleanup(8)): SMTP sessions, and
 * reports, replies and forwards. {@link #accept} returns once the message is durable; the queue
 * manager then takes over its delivery. The envelope is spooled with the body type the content
 * really has ({@link BodyType}), so that delivery need not read the content again to know it.
 */
public final class Spool {

    /**
     * A message written into someone else's batch by {@link #stage}, to hand over once committed.
     *
     * @param content null when the queue manager is to read it from the spool
     */
    public record Staged(QueueId id, Envelope envelope, byte[] content) {}

    private final SpoolStore store;
    private final QueueIdGenerator ids;
    private final CompletionStage<ActorRef<QueueManager.Command>> queueManager;

    /**
     * @param queueManager completes with the node's queue manager; messages spooled before it is
     *     known are handed over when it is (mailboxes start before the queue manager that uses them)
     */
    public Spool(SpoolStore store, QueueIdGenerator ids, CompletionStage<ActorRef<QueueManager.Command>> queueManager) {
        this.store = store;
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
     * Adds a new message to {@code batch}, so that it enters the spool atomically with the caller's
     * own writes: a mailbox's forward lands together with the delivery that caused it, or not at all
     * (ARCHITECTURE rule 4). Call {@link #handOver} once the batch is committed.
     */
    public Staged stage(StoreBatch batch, Envelope envelope, byte[] content) {
        Staged staged = new Staged(newId(), BodyType.recorded(envelope, content), content);
        store.change(batch).spool(staged.id(), staged.envelope(), content);
        return staged;
    }

    /** Tells the queue manager of a staged message whose batch is committed. */
    public void handOver(Staged staged) {
        queueManager.thenAccept(manager ->
                manager.tell(new QueueManager.Enqueue(staged.id(), staged.envelope(), staged.content())));
    }
}
