package dev.postillion.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one RocksDB instance (ARCHITECTURE "Storage"), with a column family per record kind.
 *
 * <p>All writes go through one committer thread that takes every batch waiting at that moment and
 * writes them as a single {@code WriteBatch}: with {@link Durability#SYNC} among them, one WAL
 * fsync covers them all. That is group commit: a 250 reply to DATA waits for an fsync (rule 3),
 * yet a hundred concurrent sessions share one.
 *
 * <p>Reads are point lookups and bounded range scans, run on the store's own reader threads
 * ({@code postillion.store.read-threads}): each completes a future there, never on the caller's
 * thread, because a miss in the block cache reads the disk (and a store across the network would
 * be a round trip). Event loops and actors never block on them (ARCHITECTURE rules 1 and 2); they
 * continue when the future completes, an actor through {@code pipeToSelf}.
 */
public final class Store implements AutoCloseable {

    /** Whether the caller needs the write on disk before its future completes. */
    public enum Durability {
        /** The WAL is fsynced before completion; survives power loss. */
        SYNC,
        /**
         * Written to the WAL without fsync; survives a process crash (the OS has the pages), and any
         * later SYNC write makes it durable too, since the WAL is one sequential file.
         */
        BUFFERED
    }

    public record KeyValue(byte[] key, byte[] value) {}

    private static final Logger log = LoggerFactory.getLogger(Store.class);
    private static final int MAX_GROUP = 4096;
    /** Queued by {@link #close()} behind every other batch: the committer stops after it. */
    private static final StoreBatch POISON = new StoreBatch();

    private record Pending(StoreBatch batch, Durability durability, CompletableFuture<Void> done) {}

    private final RocksDB db;
    private final DBOptions dbOptions;
    private final List<ColumnFamilyOptions> familyOptions;
    private final LRUCache blockCache;
    /** The declared families' handles, by name. */
    private final Map<String, ColumnFamilyHandle> families;
    private final List<ColumnFamilyHandle> allHandles;
    /**
     * Batches for the committer. Lock-free on both sides, as is the readers' pool: an event loop
     * or an actor that commits or reads must not park on a queue's lock while another thread
     * holds it (ARCHITECTURE rules 1 and 2); the committer parks when there is nothing to write.
     */
    private final Queue<Pending> pending = new ConcurrentLinkedQueue<>();
    private final Thread committer;
    private final ExecutorService readers;
    private final ReadWriteLock openLock = new ReentrantReadWriteLock();
    private final AtomicLong syncs = new AtomicLong();
    private final AtomicLong syncedBatches = new AtomicLong();
    private volatile boolean closed;

    static {
        RocksDB.loadLibrary();
    }

    private Store(RocksDB db, DBOptions dbOptions, List<ColumnFamilyOptions> familyOptions, LRUCache blockCache,
            List<ColumnFamilyHandle> handles, Map<String, ColumnFamilyHandle> families, int readThreads) {
        this.db = db;
        this.dbOptions = dbOptions;
        this.familyOptions = familyOptions;
        this.blockCache = blockCache;
        this.allHandles = handles;
        this.families = families;
        this.committer = new Thread(this::commitLoop, "store-committer");
        this.committer.setDaemon(true);
        this.committer.start();
        AtomicInteger readerNumber = new AtomicInteger();
        this.readers = new ForkJoinPool(readThreads, pool -> {
            ForkJoinWorkerThread thread = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            thread.setName("store-reader-" + readerNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }, null, false);
    }

    /**
     * Opens (creating if needed) the store under {@code directory} with the column families the
     * node's modules declare. Families on disk that none declares any more are opened too (RocksDB
     * opens all or none), but cannot be used.
     */
    public static Store open(Path directory, StoreSettings settings, Collection<StoreFamily> declared) {
        try {
            PrivateDirectory.create(directory);
            LRUCache cache = new LRUCache(settings.blockCacheBytes());
            DBOptions options = new DBOptions()
                    .setCreateIfMissing(true)
                    .setCreateMissingColumnFamilies(true)
                    .setMaxBackgroundJobs(settings.backgroundJobs())
                    .setBytesPerSync(1 << 20);
            List<ColumnFamilyOptions> familyOptions = new ArrayList<>();
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            ColumnFamilyOptions defaultOptions = tableOptions(new ColumnFamilyOptions(), cache);
            familyOptions.add(defaultOptions);
            descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, defaultOptions));
            List<String> names = new ArrayList<>();
            for (StoreFamily family : declared) {
                ColumnFamilyOptions cf = tableOptions(new ColumnFamilyOptions(), cache);
                if (family.keepsBlobs()) {
                    // Message bodies: values stay out of the LSM tree, so compaction does not rewrite them.
                    cf.setEnableBlobFiles(true).setMinBlobSize(settings.blobMinBytes());
                }
                familyOptions.add(cf);
                descriptors.add(new ColumnFamilyDescriptor(family.nameBytes(), cf));
                names.add(family.name());
            }
            for (String undeclared : undeclared(directory, names)) {
                ColumnFamilyOptions cf = tableOptions(new ColumnFamilyOptions(), cache);
                familyOptions.add(cf);
                descriptors.add(new ColumnFamilyDescriptor(undeclared.getBytes(StandardCharsets.UTF_8), cf));
            }
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            RocksDB db = RocksDB.open(options, directory.toString(), descriptors, handles);
            Map<String, ColumnFamilyHandle> byName = new HashMap<>();
            for (int i = 0; i < names.size(); i++) {
                byName.put(names.get(i), handles.get(i + 1)); // handle 0 is RocksDB's "default"
            }
            log.info("Store open at {}", directory.toAbsolutePath());
            return new Store(db, options, familyOptions, cache, handles, byName, settings.readThreads());
        } catch (RocksDBException | java.io.IOException e) {
            throw new StoreException("cannot open store at " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Families in the store on disk, other than RocksDB's default, that are not {@code declared}. */
    private static List<String> undeclared(Path directory, List<String> declared) throws RocksDBException {
        if (!Files.exists(directory.resolve("CURRENT"))) {
            return List.of(); // a new store
        }
        List<String> found = new ArrayList<>();
        try (Options options = new Options()) {
            for (byte[] name : RocksDB.listColumnFamilies(options, directory.toString())) {
                String family = new String(name, StandardCharsets.UTF_8);
                if (!Arrays.equals(name, RocksDB.DEFAULT_COLUMN_FAMILY) && !declared.contains(family)) {
                    found.add(family);
                }
            }
        }
        return found;
    }

    private static ColumnFamilyOptions tableOptions(ColumnFamilyOptions options, LRUCache cache) {
        // Bloom filters: a lookup of a key that is not there (an unknown recipient, a first delivery)
        // is answered from memory instead of reading blocks.
        return options.setTableFormatConfig(new BlockBasedTableConfig()
                .setBlockCache(cache)
                .setFilterPolicy(new BloomFilter(10)));
    }

    /** Queues the batch for the committer; completes once written with the given durability. */
    public CompletionStage<Void> commit(StoreBatch batch, Durability durability) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            batch.operations().forEach(op -> handle(op.family())); // refused here, not with the batches beside it
        } catch (StoreException e) {
            return CompletableFuture.failedFuture(e);
        }
        openLock.readLock().lock();
        try {
            if (closed) {
                done.completeExceptionally(new StoreException("store is closed"));
            } else {
                pending.add(new Pending(batch, durability, done));
                LockSupport.unpark(committer);
            }
        } finally {
            openLock.readLock().unlock();
        }
        return done;
    }

    /** The value under {@code key}, completed on a reader thread. */
    public CompletionStage<Optional<byte[]>> read(StoreFamily family, byte[] key) {
        return onReader(() -> {
            try {
                return Optional.ofNullable(db.get(handle(family), key));
            } catch (RocksDBException e) {
                throw new StoreException("read failed: " + e.getMessage(), e);
            }
        });
    }

    /**
     * Entries with {@code from <= key < to} in key order, at most {@code limit} of them, completed
     * on a reader thread.
     */
    public CompletionStage<List<KeyValue>> range(StoreFamily family, byte[] from, byte[] to, int limit) {
        return onReader(() -> scan(family, from, to, limit, true));
    }

    /**
     * The keys alone of {@link #range}: their values, which may be message content kept in blob
     * files, are not read.
     */
    public CompletionStage<List<byte[]>> keys(StoreFamily family, byte[] from, byte[] to, int limit) {
        return onReader(() -> scan(family, from, to, limit, false).stream().map(KeyValue::key).toList());
    }

    /** Entries whose key starts with {@code prefix}, in key order, at most {@code limit}. */
    public CompletionStage<List<KeyValue>> prefix(StoreFamily family, byte[] prefix, int limit) {
        return range(family, prefix, Keys.prefixEnd(prefix), limit);
    }

    /**
     * Waits for {@link #read}. Only for threads of their own that may wait, such as the directory's
     * writer, whose check and write must not interleave with another change; never on an event loop
     * or an actor's thread (the tests' blocking-call detector fails such a wait).
     */
    public Optional<byte[]> readBlocking(StoreFamily family, byte[] key) {
        return await(read(family, key));
    }

    /** Waits for {@link #range}; the same rule as {@link #readBlocking}. */
    public List<KeyValue> rangeBlocking(StoreFamily family, byte[] from, byte[] to, int limit) {
        return await(range(family, from, to, limit));
    }

    /** Waits for {@link #prefix}; the same rule as {@link #readBlocking}. */
    public List<KeyValue> prefixBlocking(StoreFamily family, byte[] prefix, int limit) {
        return await(prefix(family, prefix, limit));
    }

    private static <T> T await(CompletionStage<T> read) {
        try {
            return read.toCompletableFuture().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof StoreException failure ? failure
                    : new StoreException("read failed: " + e.getCause(), e.getCause());
        }
    }

    /** Runs a read on a reader thread while the store stays open. */
    private <T> CompletionStage<T> onReader(Supplier<T> read) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                openLock.readLock().lock();
                try {
                    ensureOpen();
                    return read.get();
                } finally {
                    openLock.readLock().unlock();
                }
            }, readers);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new StoreException("store is closed"));
        }
    }

    private List<KeyValue> scan(StoreFamily family, byte[] from, byte[] to, int limit, boolean values) {
        // The upper bound lets RocksDB stop at `to` without stepping over the deleted entries
        // (tombstones) beyond it, which a queue's index accumulates.
        try (Slice upper = new Slice(to);
                ReadOptions options = new ReadOptions().setIterateUpperBound(upper);
                RocksIterator it = db.newIterator(handle(family), options)) {
            List<KeyValue> result = new ArrayList<>();
            for (it.seek(from); it.isValid() && result.size() < limit; it.next()) {
                byte[] key = it.key();
                if (Arrays.compareUnsigned(key, to) >= 0) {
                    break;
                }
                result.add(new KeyValue(key, values ? it.value() : null));
            }
            it.status(); // an I/O or corruption error must not pass for the end of the data
            return result;
        } catch (RocksDBException e) {
            throw new StoreException("read failed: " + e.getMessage(), e);
        }
    }

    /** How many WAL fsyncs the committer has done; with {@link #syncedBatches()} shows grouping. */
    public long syncs() {
        return syncs.get();
    }

    /** How many SYNC batches those fsyncs covered. */
    public long syncedBatches() {
        return syncedBatches.get();
    }

    private void ensureOpen() {
        if (closed) {
            throw new StoreException("store is closed");
        }
    }

    private void commitLoop() {
        List<Pending> group = new ArrayList<>();
        while (true) {
            Pending first = pending.poll();
            if (first == null) {
                LockSupport.park(this); // until a commit unparks it (or spuriously: it looks again)
                if (Thread.interrupted()) {
                    failPending("store committer interrupted");
                    return;
                }
                continue;
            }
            group.add(first);
            for (Pending next; group.size() < MAX_GROUP && (next = pending.poll()) != null; ) {
                group.add(next);
            }
            boolean closing = group.removeIf(p -> p.batch() == POISON);
            writeGroup(group);
            if (closing) {
                return;
            }
        }
    }

    /** Completes every queued commit exceptionally, so that no caller waits for ever. */
    private void failPending(String reason) {
        closed = true;
        for (Pending left; (left = pending.poll()) != null; ) {
            left.done().completeExceptionally(new StoreException(reason));
        }
    }

    private void writeGroup(List<Pending> group) {
        if (group.isEmpty()) {
            return;
        }
        boolean sync = group.stream().anyMatch(p -> p.durability() == Durability.SYNC);
        try (WriteBatch batch = new WriteBatch(); WriteOptions options = new WriteOptions().setSync(sync)) {
            for (Pending p : group) {
                for (StoreBatch.Operation op : p.batch().operations()) {
                    apply(batch, op);
                }
            }
            db.write(options, batch);
            if (sync) {
                syncs.incrementAndGet();
                syncedBatches.addAndGet(group.stream().filter(p -> p.durability() == Durability.SYNC).count());
            }
            group.forEach(p -> p.done().complete(null));
        } catch (RocksDBException | RuntimeException | Error e) {
            log.error("Store write of {} batches failed: {}", group.size(), e.getMessage());
            StoreException failure = new StoreException("write failed: " + e.getMessage(), e);
            group.forEach(p -> p.done().completeExceptionally(failure));
        }
        group.clear();
    }

    private ColumnFamilyHandle handle(StoreFamily family) {
        ColumnFamilyHandle handle = families.get(family.name());
        if (handle == null) {
            throw new StoreException("column family " + family.name() + " was not declared when the store was opened");
        }
        return handle;
    }

    private void apply(WriteBatch batch, StoreBatch.Operation op) throws RocksDBException {
        if (op instanceof StoreBatch.Put put) {
            batch.put(handle(put.family()), put.key(), put.value());
        } else if (op instanceof StoreBatch.Delete delete) {
            batch.delete(handle(delete.family()), delete.key());
        } else if (op instanceof StoreBatch.DeleteRange range) {
            batch.deleteRange(handle(range.family()), range.from(), range.to());
        }
    }

    /** Writes what is queued, then closes RocksDB; later calls fail with {@link StoreException}. */
    @Override
    public void close() {
        openLock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true; // from here on no commit is queued, so the poison pill comes last
        } finally {
            openLock.writeLock().unlock();
        }
        pending.add(new Pending(POISON, Durability.BUFFERED, new CompletableFuture<>()));
        LockSupport.unpark(committer);
        readers.shutdown(); // reads under way finish; closing below waits for them through openLock
        try {
            committer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        openLock.writeLock().lock();
        try {
            try {
                db.syncWal();
            } catch (RocksDBException e) {
                log.warn("WAL sync at close failed: {}", e.getMessage());
            }
            allHandles.forEach(ColumnFamilyHandle::close);
            db.close();
            familyOptions.forEach(ColumnFamilyOptions::close);
            dbOptions.close();
            blockCache.close();
            log.info("Store closed");
        } finally {
            openLock.writeLock().unlock();
        }
    }
}
