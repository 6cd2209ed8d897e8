package dev.postillion.queue;

import dev.postillion.core.QueueId;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The content of messages just accepted, kept by the queue manager for their first attempt, which
 * is then spared reading it back from the spool. Bounded: beyond {@value #LIMIT} bytes the oldest
 * is let go, and read back when its turn comes. Used by the queue manager's thread only.
 */
final class FreshContent {

    static final long LIMIT = 32L << 20;

    /** Oldest first, {@code bytes} in all. */
    private final Map<QueueId, byte[]> contents = new LinkedHashMap<>();
    private long bytes;

    void keep(QueueId id, byte[] content) {
        contents.put(id, content);
        bytes += content.length;
        Iterator<byte[]> oldest = contents.values().iterator();
        while (bytes > LIMIT && oldest.hasNext()) {
            bytes -= oldest.next().length;
            oldest.remove();
        }
    }

    /** The content kept for {@code id}, which is no longer kept; null if none is. */
    byte[] take(QueueId id) {
        byte[] content = contents.remove(id);
        if (content != null) {
            bytes -= content.length;
        }
        return content;
    }
}
