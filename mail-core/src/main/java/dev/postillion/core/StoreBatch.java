package dev.postillion.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Writes that must land together (ARCHITECTURE rule 4): one atomic RocksDB {@code WriteBatch}, or
 * one PostgreSQL transaction. Built by the caller, applied by {@link Store#commit}.
 */
public final class StoreBatch {

    public sealed interface Operation {
        StoreFamily family();
    }

    public record Put(StoreFamily family, byte[] key, byte[] value) implements Operation {}

    public record Delete(StoreFamily family, byte[] key) implements Operation {}

    /** Deletes keys in [from, to). */
    public record DeleteRange(StoreFamily family, byte[] from, byte[] to) implements Operation {}

    private final List<Operation> operations = new ArrayList<>();

    public StoreBatch put(StoreFamily family, byte[] key, byte[] value) {
        operations.add(new Put(family, key, value));
        return this;
    }

    public StoreBatch delete(StoreFamily family, byte[] key) {
        operations.add(new Delete(family, key));
        return this;
    }

    public StoreBatch deleteRange(StoreFamily family, byte[] from, byte[] to) {
        operations.add(new DeleteRange(family, from, to));
        return this;
    }

    /** Adds every write of {@code other}, in order: parts built apart land together. */
    public StoreBatch addAll(StoreBatch other) {
        operations.addAll(other.operations);
        return this;
    }

    public boolean isEmpty() {
        return operations.isEmpty();
    }

    public List<Operation> operations() {
        return Collections.unmodifiableList(operations);
    }
}
