package dev.postillion.core;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The node's record store (ARCHITECTURE "Storage"): ordered byte keys in families, one per record
 * kind, atomic batches, every call asynchronous. Two backends implement it: embedded RocksDB
 * ({@code store.RocksDbStore}, the single node's default and always the spool's) and PostgreSQL
 * ({@code store.PostgresStore}, shared by the nodes of a cluster).
 *
 * <p>Reads complete their futures on the store's own reader threads, never on the caller's: a
 * read may wait for the disk or, in a cluster, for the database across the network. Event loops
 * and actors never block on them (ARCHITECTURE rules 1 and 2); they continue when the future
 * completes, an actor through {@code pipeToSelf}. Writes are group-committed: the batches waiting
 * when the committer is free are written together, so many sessions share one fsync (rule 3).
 */
public interface Store extends AutoCloseable {

    /** Whether the caller needs the write on disk before its future completes. */
    enum Durability {
        /** Durable before completion (WAL fsync, or a synchronous PostgreSQL commit); survives power loss. */
        SYNC,
        /**
         * Survives a crash of this process but not necessarily of the machine; any later SYNC write
         * makes it durable too, since both backends write one sequential log.
         */
        BUFFERED
    }

    record KeyValue(byte[] key, byte[] value) {}

    /** Queues the batch for the committer; completes once written with the given durability. */
    CompletionStage<Void> commit(StoreBatch batch, Durability durability);

    /** The value under {@code key}. */
    CompletionStage<Optional<byte[]>> read(StoreFamily family, byte[] key);

    /** Entries with {@code from <= key < to} in unsigned byte order, at most {@code limit} of them. */
    CompletionStage<List<KeyValue>> range(StoreFamily family, byte[] from, byte[] to, int limit);

    /**
     * The keys alone of {@link #range}: their values, which may be message content, are not read.
     */
    CompletionStage<List<byte[]>> keys(StoreFamily family, byte[] from, byte[] to, int limit);

    /**
     * The keys of {@code family} from {@code from} to its end, in key order, at most {@code limit}:
     * a walk over a whole family, page after page, whatever bytes its keys hold (no key bounds
     * every other, so {@link #keys} cannot). Its values are not read.
     */
    CompletionStage<List<byte[]>> keysFrom(StoreFamily family, byte[] from, int limit);

    /** Entries whose key starts with {@code prefix}, in key order, at most {@code limit}. */
    default CompletionStage<List<KeyValue>> prefix(StoreFamily family, byte[] prefix, int limit) {
        return range(family, prefix, Keys.prefixEnd(prefix), limit);
    }

    /**
     * Waits for {@link #read}. Only for threads of their own that may wait, such as the directory's
     * writer, whose check and write must not interleave with another change; never on an event loop
     * or an actor's thread (the tests' blocking-call detector fails such a wait).
     */
    default Optional<byte[]> readBlocking(StoreFamily family, byte[] key) {
        return await(read(family, key));
    }

    /**
     * Waits for {@link #commit}; the same rule as {@link #readBlocking}. Throws the store's own
     * failure ({@link StoreConflictException} when an expectation did not hold).
     */
    default void commitBlocking(StoreBatch batch, Durability durability) {
        await(commit(batch, durability));
    }

    /** Waits for {@link #range}; the same rule as {@link #readBlocking}. */
    default List<KeyValue> rangeBlocking(StoreFamily family, byte[] from, byte[] to, int limit) {
        return await(range(family, from, to, limit));
    }

    /** Waits for {@link #prefix}; the same rule as {@link #readBlocking}. */
    default List<KeyValue> prefixBlocking(StoreFamily family, byte[] prefix, int limit) {
        return await(prefix(family, prefix, limit));
    }

    /** How many durable commits (fsyncs) were made; with {@link #syncedBatches()} shows grouping. */
    long syncs();

    /** How many SYNC batches those commits covered. */
    long syncedBatches();

    /** Writes what is queued, then closes; later calls fail with {@link StoreException}. */
    @Override
    void close();

    private static <T> T await(CompletionStage<T> read) {
        try {
            return read.toCompletableFuture().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof StoreException failure ? failure
                    : new StoreException("read failed: " + e.getCause(), e.getCause());
        }
    }
}
