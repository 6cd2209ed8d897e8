package dev.postillion.mailbox;

import dev.postillion.core.StoreBatch;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The directory records one change read, with what it found: the change's writes are committed
 * only if every one of them still holds it (optimistic concurrency). The directory's writer thread
 * keeps one node's changes apart; this keeps two nodes' changes apart, such as two operators
 * creating the same address through two nodes at once. The reads complete on the store's reader
 * threads, hence the concurrent map.
 */
final class ChangeReads {

    private record Seen(byte[] key, byte[] value) {}

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    /** What a read of the change found under {@code key}. */
    void saw(byte[] key, Optional<byte[]> value) {
        seen.putIfAbsent(text(key), new Seen(key, value.orElse(null)));
    }

    /** Makes {@code batch} depend on every record read still holding what was read. */
    void guard(StoreBatch batch) {
        seen.values().forEach(read -> batch.expect(MailboxFamilies.DIRECTORY, read.key(), read.value()));
    }

    /** After {@code batch} is written: what it wrote is what a later commit of the change expects. */
    void wrote(StoreBatch batch) {
        for (StoreBatch.Operation op : batch.operations()) {
            if (op instanceof StoreBatch.Put put) {
                seen.put(text(put.key()), new Seen(put.key(), put.value()));
            } else if (op instanceof StoreBatch.Delete delete) {
                seen.put(text(delete.key()), new Seen(delete.key(), null));
            } else if (op instanceof StoreBatch.DeleteRange range) {
                seen.replaceAll((text, read) -> Arrays.compareUnsigned(read.key(), range.from()) >= 0
                        && Arrays.compareUnsigned(read.key(), range.to()) < 0 ? new Seen(read.key(), null) : read);
            }
        }
    }

    private static String text(byte[] key) {
        return new String(key, StandardCharsets.UTF_8);
    }
}
