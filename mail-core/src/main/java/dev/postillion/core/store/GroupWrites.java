package dev.postillion.core.store;

import dev.postillion.core.StoreBatch;
import dev.postillion.core.StoreFamily;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the batches of a RocksDB group before the current one write, which the database does not
 * show yet: an expectation of a later batch in the group must see it.
 */
final class GroupWrites {

    /** Per family, the keys written, to their value or to null when deleted. */
    private final Map<String, TreeMap<byte[], byte[]>> keys = new HashMap<>();
    /** Per family, the ranges deleted, as [from, to) pairs. */
    private final Map<String, List<byte[][]>> deletedRanges = new HashMap<>();

    void record(StoreBatch.Operation op) {
        if (op instanceof StoreBatch.Put put) {
            keysOf(put.family()).put(put.key(), put.value());
        } else if (op instanceof StoreBatch.Delete delete) {
            keysOf(delete.family()).put(delete.key(), null);
        } else if (op instanceof StoreBatch.DeleteRange range) {
            keysOf(range.family()).subMap(range.from(), range.to()).clear();
            deletedRanges.computeIfAbsent(range.family().name(), name -> new ArrayList<>())
                    .add(new byte[][] {range.from(), range.to()});
        }
    }

    /**
     * What the earlier batches left under {@code key}: empty if they did not touch it (the
     * database has the answer), else the value they left, empty if they deleted it.
     */
    Optional<Optional<byte[]>> value(StoreFamily family, byte[] key) {
        TreeMap<byte[], byte[]> written = keys.get(family.name());
        if (written != null && written.containsKey(key)) {
            return Optional.of(Optional.ofNullable(written.get(key)));
        }
        for (byte[][] range : deletedRanges.getOrDefault(family.name(), List.of())) {
            if (Arrays.compareUnsigned(key, range[0]) >= 0 && Arrays.compareUnsigned(key, range[1]) < 0) {
                return Optional.of(Optional.empty());
            }
        }
        return Optional.empty();
    }

    private TreeMap<byte[], byte[]> keysOf(StoreFamily family) {
        return keys.computeIfAbsent(family.name(), name -> new TreeMap<>(Arrays::compareUnsigned));
    }
}
