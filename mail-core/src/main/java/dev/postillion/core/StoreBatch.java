package dev.postillion.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Writes that must land together (ARCHITECTURE rule 4): one atomic RocksDB {@code WriteBatch}, or
 * one PostgreSQL transaction. Built by the caller, applied by {@link Store#commit}.
 *
 * <p>A batch may carry expectations ({@link #expect}): it is then written only if each expected
 * record holds the expected value at the moment it is written, and otherwise refused whole with a
 * {@link StoreConflictException}. That is how one writer guards what another node may have changed
 * since it read it: a mailbox's uid counter, an address being created.
 */
public final class StoreBatch {

    public sealed interface Operation {
        StoreFamily family();
    }

    public record Put(StoreFamily family, byte[] key, byte[] value) implements Operation {}

    public record Delete(StoreFamily family, byte[] key) implements Operation {}

    /** Deletes keys in [from, to). */
    public record DeleteRange(StoreFamily family, byte[] from, byte[] to) implements Operation {}

    /**
     * A condition of the batch.
     *
     * @param value what the record must hold; null: the record must be absent
     */
    public record Expectation(StoreFamily family, byte[] key, byte[] value) {}

    private final List<Operation> operations = new ArrayList<>();
    private final List<Expectation> expectations = new ArrayList<>();

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

    /**
     * Writes the batch only if {@code key} holds {@code value} then (null: only if it is absent);
     * the expectation sees the batches committed before this one, on this node or another.
     */
    public StoreBatch expect(StoreFamily family, byte[] key, byte[] value) {
        expectations.add(new Expectation(family, key, value));
        return this;
    }

    /** Adds every write and expectation of {@code other}, in order: parts built apart land together. */
    public StoreBatch addAll(StoreBatch other) {
        operations.addAll(other.operations);
        expectations.addAll(other.expectations);
        return this;
    }

    public boolean isEmpty() {
        return operations.isEmpty();
    }

    public List<Expectation> expectations() {
        return Collections.unmodifiableList(expectations);
    }

    public List<Operation> operations() {
        return Collections.unmodifiableList(operations);
    }
}
