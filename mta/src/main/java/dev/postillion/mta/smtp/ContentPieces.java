package dev.postillion.mta.smtp;

import dev.postillion.core.QueueId;
import dev.postillion.core.StoreException;
import dev.postillion.mta.net.ContentMemory;
import dev.postillion.queue.Spool;
import dev.postillion.queue.SpoolStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One message's content going to the spool while it arrives, in pieces of {@value
 * SpoolStore#PIECE_BYTES} octets, as Postfix's cleanup(8) writes its queue file during DATA: the
 * connection holds one piece of a large message at a time, so a slow client's message does not sit
 * in the heap for as long as the client takes to send it. A message smaller than a piece is never
 * written in pieces: it stays in memory until its commit, as before.
 *
 * <p>The pieces are the spool's once the message is committed under {@link #id()}; until then they
 * are this object's, and whoever gives the message up deletes them: the session's policy when it
 * refuses the message ({@link #discard}), the connection when the client leaves before the
 * session took the content ({@link #abandon}), and, after a crash, the spool's sweep at start.
 *
 * <p>Written to by the connection's event loop; read back, claimed and discarded from the
 * threads the message's policy runs on.
 */
final class ContentPieces {

    private enum State { OPEN, CLAIMED, DISCARDED }

    private static final Logger log = LoggerFactory.getLogger(ContentPieces.class);

    private final Spool spool;
    private final ContentMemory.Share memory;
    /** What the pieces take of the checks' pool once they are read back. */
    private final ContentMemory.Share checked;
    private QueueId id;
    private int written;
    private boolean writing;
    /** The last write handed to the store: later writes and deletions queue behind it. */
    private CompletionStage<Void> lastWrite = CompletableFuture.completedFuture(null);
    private State state = State.OPEN;

    /**
     * @param memory the message's share of the content memory, shrunk as pieces are written
     * @param checks the content memory's pool for messages being checked, where the pieces read
     *     back take their room
     */
    ContentPieces(Spool spool, ContentMemory.Share memory, ContentMemory checks) {
        this.spool = spool;
        this.memory = memory;
        this.checked = checks.share();
    }

    /**
     * Writes the next piece; {@code done} runs once the store has it (or failed to take it), when
     * the connection may hand over the next. One write at a time: the store's committer takes
     * them in order, and a client faster than the disk waits, held back by TCP.
     */
    synchronized void write(byte[] piece, Runnable done) {
        if (id == null) {
            id = spool.newId(); // the queue id the message will have, named in the log from here on
        }
        writing = true;
        int index = written++;
        lastWrite = spool.writePiece(id, index, piece).whenComplete((ok, failure) -> {
            if (failure != null) {
                log.error("{}: writing piece {} of the content failed: {}", id, index, failure.getMessage());
            }
            synchronized (this) {
                writing = false;
            }
            memory.shrink(piece.length);
            done.run();
        });
    }

    synchronized boolean writing() {
        return writing;
    }

    /** Whether any piece was written; without one, the message is kept in memory only. */
    synchronized boolean any() {
        return written > 0;
    }

    /** The queue id the pieces are written under: the message's, if it is spooled. */
    synchronized QueueId id() {
        return id;
    }

    /** Pieces written. */
    synchronized int count() {
        return written;
    }

    /**
     * The session's policy takes the message: from now on it decides what becomes of the pieces.
     *
     * @return false if the client left first and the pieces are gone
     */
    synchronized boolean claim() {
        if (state != State.OPEN) {
            return false;
        }
        state = State.CLAIMED;
        return true;
    }

    /**
     * The connection is gone: its pieces are deleted unless the session's policy has them.
     *
     * @return whether the session had not taken them, so that nothing of the message is decided on
     */
    synchronized boolean abandon() {
        if (state != State.OPEN) {
            return false;
        }
        delete();
        return true;
    }

    /** The message is not spooled: its pieces are deleted. Idempotent. */
    synchronized void discard() {
        if (state != State.DISCARDED) {
            delete();
        }
    }

    /** The message is decided on: what was read back no longer counts. Idempotent. */
    void decided() {
        checked.release();
    }

    private void delete() {
        state = State.DISCARDED;
        checked.release();
        if (written == 0) {
            return;
        }
        QueueId message = id;
        int count = written;
        // After the last write: a deletion queued before it would leave that piece behind.
        lastWrite.handle((ok, failure) -> spool.discardPieces(message, count)).thenCompose(deletion -> deletion)
                .exceptionally(failure -> {
                    log.warn("{}: deleting the pieces of a message not spooled failed: {}", message,
                            failure.getMessage());
                    return null;
                });
    }

    /**
     * The whole content, the pieces read back from the spool followed by {@code rest}, for the
     * checks that read a message whole; it takes its room in the checks' pool of the content
     * memory first, waiting its turn there. Fails if a piece could not be written or read.
     */
    CompletionStage<byte[]> readBack(byte[] rest) {
        QueueId message;
        int count;
        CompletionStage<Void> written;
        synchronized (this) {
            message = id;
            count = this.written;
            written = lastWrite;
        }
        if (count == 0) {
            return CompletableFuture.completedFuture(rest);
        }
        long pieces = (long) count * SpoolStore.PIECE_BYTES;
        long length = pieces + rest.length;
        // The connection's share holds the rest already.
        return written.thenCompose(ok -> room(pieces))
                .thenCompose(ok -> readPiece(message, 0, count, new byte[Math.toIntExact(length)]))
                .thenApply(content -> {
                    System.arraycopy(rest, 0, content, count * SpoolStore.PIECE_BYTES, rest.length);
                    return content;
                });
    }

    /** Reads the pieces one after another into {@code content}: one piece at a time is extra. */
    private CompletionStage<byte[]> readPiece(QueueId message, int index, int count, byte[] content) {
        if (index == count) {
            return CompletableFuture.completedFuture(content);
        }
        return spool.piece(message, index).thenCompose(piece -> {
            byte[] bytes = piece.orElseThrow(() -> new StoreException(message + ": content piece " + index
                    + " missing"));
            System.arraycopy(bytes, 0, content, index * SpoolStore.PIECE_BYTES, bytes.length);
            return readPiece(message, index + 1, count, content);
        });
    }

    /** Completes once the message's share of the content memory has grown by {@code bytes}. */
    private CompletionStage<Void> room(long bytes) {
        CompletableFuture<Void> room = new CompletableFuture<>();
        reserve(bytes, room);
        return room;
    }

    private void reserve(long bytes, CompletableFuture<Void> room) {
        if (checked.grow(bytes, () -> reserve(bytes, room))) {
            room.complete(null);
        }
    }
}
