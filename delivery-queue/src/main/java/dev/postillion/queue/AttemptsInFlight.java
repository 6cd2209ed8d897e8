package dev.postillion.queue;

import dev.postillion.core.QueueId;
import dev.postillion.queue.SpoolStore.QueuedMessage;
import java.util.HashMap;
import java.util.Map;

/**
 * The delivery attempts the queue manager has under way, and the due messages it is reading for
 * theirs, which count as under way too. Bounded in number and in the bytes of content they hold
 * ({@link QueueManager.Settings}), so that a large spool is neither read into memory nor sent off
 * all at once, and a backlog of large messages cannot fill the heap. Used on the queue manager's
 * thread only.
 */
final class AttemptsInFlight {

    private final int maxAttempts;
    private final long maxBytes;
    private final Map<QueueId, Attempt> attempts = new HashMap<>();
    /** The content of {@code attempts}, in bytes. */
    private long bytes;
    /** Due messages being read for their attempts. */
    private int loading;
    /** The content those being read will hold once attempted, as their records give it. */
    private long bytesLoading;

    AttemptsInFlight(int maxAttempts, long maxBytes) {
        this.maxAttempts = maxAttempts;
        this.maxBytes = maxBytes;
    }

    /** The attempt under way for the message; null if there is none. */
    Attempt get(QueueId id) {
        return attempts.get(id);
    }

    boolean contains(QueueId id) {
        return attempts.containsKey(id);
    }

    /** Nothing under way, nor being read for an attempt. */
    boolean isEmpty() {
        return attempts.isEmpty() && loading == 0;
    }

    /** How many more attempts may start, as far as their number goes. */
    int room() {
        return maxAttempts - attempts.size() - loading;
    }

    boolean roomForAttempt() {
        return room() > 0 && bytesLeft();
    }

    /** Whether the bytes in flight leave room for more: one attempt may take them past the bound. */
    boolean bytesLeft() {
        return bytes + bytesLoading < maxBytes;
    }

    /** A due message is being read for its attempt. */
    void loading() {
        loading++;
    }

    /** Its content is read next: sets aside the bytes its attempt will hold, and answers how many. */
    long reserve(QueuedMessage message, byte[] kept) {
        long weight = weight(message, kept);
        bytesLoading += weight;
        return weight;
    }

    /** The reading of a due message is over, and the {@code reserved} bytes with it. */
    void loaded(long reserved) {
        loading--;
        bytesLoading -= reserved;
    }

    void started(Attempt attempt) {
        attempts.put(attempt.message.id(), attempt);
        bytes += attempt.weight;
    }

    /** The attempt is over: the one under way for the message, no longer counted. */
    Attempt finished(QueueId id) {
        Attempt attempt = attempts.remove(id);
        bytes -= attempt.weight;
        return attempt;
    }

    /**
     * What the attempt will hold of the heap, as {@link Attempt} counts it. A record written before
     * the spool kept content sizes takes the whole of the bytes in flight: such messages go one at
     * a time rather than past the bound.
     */
    private long weight(QueuedMessage message, byte[] kept) {
        long size = kept != null ? kept.length : message.contentSize();
        return size == 0 ? maxBytes : size * message.pending().size();
    }
}
