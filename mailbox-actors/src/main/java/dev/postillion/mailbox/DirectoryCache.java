package dev.postillion.mailbox;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Directory records read lately, present or absent, so that RCPT to a known address, and the
 * flood of RCPTs to unknown ones, is answered at once without a store read (ARCHITECTURE rule 2:
 * a cache hit may complete at once, a miss never blocks).
 *
 * <p>Every change to the directory runs on the one {@link DirectoryStore} writer, which empties
 * the cache once the change is written. A read that was under way across that moment is not kept,
 * since it may have seen the record before the change: each change starts a new generation, and a
 * value is kept only when no change happened while it was read.
 */
final class DirectoryCache {

    private final Map<String, Optional<byte[]>> records;
    private long generation;

    DirectoryCache(int capacity) {
        // Access order: the least recently used record leaves first.
        this.records = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Optional<byte[]>> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The record under {@code key} if cached: empty when not cached, an empty value when absent. */
    synchronized Optional<Optional<byte[]>> get(byte[] key) {
        return Optional.ofNullable(records.get(text(key)));
    }

    /** The generation a read starts in, to be handed back to {@link #keep}. */
    synchronized long generation() {
        return generation;
    }

    /** Keeps what a read started in {@code readIn} found, unless a change came since. */
    synchronized void keep(byte[] key, Optional<byte[]> value, long readIn) {
        if (readIn == generation) {
            records.put(text(key), value);
        }
    }

    /** After a change is written: nothing read before it is served again. */
    synchronized void changed() {
        generation++;
        records.clear();
    }

    private static String text(byte[] key) {
        return new String(key, StandardCharsets.UTF_8);
    }
}
