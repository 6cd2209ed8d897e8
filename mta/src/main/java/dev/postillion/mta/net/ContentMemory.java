package dev.postillion.mta.net;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The heap that the node's SMTP and IMAP connections may fill with message content (an IMAP
 * connection's with its literals: APPEND), shared by all of them:
 * a connection reserves room before it reads more of a message, and while there is none it stops
 * reading (TCP then holds the client back) until a message ends and frees its share. However many
 * clients send large messages at once, the content they hold stays within the bound, and none of
 * them is refused for it: each waits its turn.
 *
 * <p>The oldest share may always grow, even past the bound: shares that each hold part of a
 * message could otherwise wait for one another for ever. A share keeps its age when it gives back
 * what it wrote to the spool, so the oldest may hold next to nothing while others wait for it to
 * grow. The content held is then at most the bound plus one message (max-message-size) in each
 * of the two pools below.
 *
 * * <p>A message written to the spool in pieces while it arrives (smtp's ContentPieces) holds one
 * piece at a time here, and is read back whole for its checks once it is complete: that takes a
 * share of a second pool, {@link #checks()}, so that a message being checked, which is done in a
 * moment, never waits for a client that is slow to send its own. Each pool has half the bound.
 *
 * <p>Called from every connection's event loop and from the threads that finish messages.
 */
public final class ContentMemory {

    /** What one message's content holds of the memory, from its first byte until it is decided on. */
    public final class Share {
        private long held;
        private boolean released;

        /**
         * Takes {@code bytes} more for this message, or, when there is no room, returns false and
         * runs {@code wake} once some is freed (then ask again).
         */
        public boolean grow(long bytes, Runnable wake) {
            return reserve(this, bytes, wake);
        }

        /**
         * Gives back {@code bytes} of what this message holds, once they are written to the spool,
         * keeping its place among the holders: the message being read still counts as the older.
         */
        public void shrink(long bytes) {
            ContentMemory.this.shrink(this, bytes);
        }

        /** Bytes this share holds now. */
        public long held() {
            synchronized (ContentMemory.this) {
                return held;
            }
        }

        /** The message is decided on (or dropped): its content no longer counts. Idempotent. */
        public void release() {
            ContentMemory.this.release(this);
        }
    }

    private final long limit;
    private long used;
    /** Shares that hold something, oldest first. */
    private final LinkedHashSet<Share> holders = new LinkedHashSet<>();
    private final List<Runnable> waiting = new ArrayList<>();

    /** The pool of the messages read back whole for their checks; null in that pool itself. */
    private final ContentMemory checks;

    /** @param limit bytes of content the connections and the checks may hold together */
    public ContentMemory(long limit) {
        this(Math.max(1, limit / 2), true);
    }

    private ContentMemory(long limit, boolean arriving) {
        if (limit <= 0) {
            throw new IllegalArgumentException("content memory must be positive: " + limit);
        }
        this.limit = limit;
        this.checks = arriving ? new ContentMemory(limit, false) : null;
    }

    /** The pool of the messages read back whole for their checks (see above). */
    public ContentMemory checks() {
        return checks;
    }

    /** The bound for this JVM when none is configured: an eighth of its largest heap. */
    public static ContentMemory forHeap(long configured) {
        return new ContentMemory(configured > 0 ? configured : Runtime.getRuntime().maxMemory() / 8);
    }

    public Share share() {
        return new Share();
    }

    private synchronized boolean reserve(Share share, long bytes, Runnable wake) {
        if (share.released) {
            return true; // dropped meanwhile: whatever it reads goes nowhere
        }
        boolean oldest = holders.isEmpty() || holders.iterator().next() == share;
        if (!oldest && used + bytes > limit) {
            waiting.add(wake);
            return false;
        }
        used += bytes;
        share.held += bytes;
        holders.add(share);
        return true;
    }

    private void release(Share share) {
        List<Runnable> woken;
        synchronized (this) {
            if (share.released) {
                return;
            }
            share.released = true;
            used -= share.held;
            share.held = 0;
            holders.remove(share);
            woken = wakeAll();
        }
        woken.forEach(Runnable::run);
    }

    private void shrink(Share share, long bytes) {
        List<Runnable> woken;
        synchronized (this) {
            long freed = Math.min(bytes, share.held);
            if (share.released || freed <= 0) {
                return;
            }
            share.held -= freed;
            used -= freed;
            woken = wakeAll();
        }
        woken.forEach(Runnable::run);
    }

    /** Every waiter asks again, outside the lock; those that still find no room wait anew. */
    private List<Runnable> wakeAll() {
        List<Runnable> woken = new ArrayList<>(waiting);
        waiting.clear();
        return woken;
    }

    /** Bytes held by the shares now. */
    synchronized long used() {
        return used;
    }
}
