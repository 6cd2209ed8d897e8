package dev.postillion.core.store;

import dev.postillion.core.Store;
import dev.postillion.core.StoreBatch;
import dev.postillion.core.StoreConflictException;
import dev.postillion.core.StoreException;
import dev.postillion.core.StoreFamily;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both backends share: one committer thread that takes every batch waiting at that moment and
 * writes them as one unit, and a pool of reader threads that complete the reads' futures.
 *
 * <p>With {@link Durability#SYNC} among the batches, one durable commit covers them all. That is
 * group commit: a 250 reply to DATA waits for an fsync (ARCHITECTURE rule 3), yet a hundred
 * concurrent sessions share one.
 */
abstract class GroupCommitStore implements Store {

    private static final Logger log = LoggerFactory.getLogger(GroupCommitStore.class);
    private static final int MAX_GROUP = 4096;
    /** Queued by {@link #close()} behind every other batch: the committer stops after it. */
    private static final StoreBatch POISON = new StoreBatch();

    private record Pending(StoreBatch batch, Durability durability, CompletableFuture<Void> done) {}

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
    /** The series the commits are counted in; none until the node registers them. */
    private volatile CommitMetrics metrics;

    GroupCommitStore(int readThreads) {
        this.committer = new Thread(this::commitLoop, "store-committer");
        this.committer.setDaemon(true);
        AtomicInteger readerNumber = new AtomicInteger();
        this.readers = new ForkJoinPool(readThreads, pool -> {
            ForkJoinWorkerThread thread = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            thread.setName("store-reader-" + readerNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }, null, false);
    }

    /** Counts the commits in {@code registry}'s series, labelled with the backend's name. */
    final void observe(MeterRegistry registry, String backend) {
        metrics = new CommitMetrics(registry, backend);
    }

    /** Starts the committer; called by the backend once it is ready to write. */
    final void startCommitter() {
        committer.start();
    }

    /** Throws {@link StoreException} if {@code family} cannot be used in this store. */
    abstract void checkDeclared(StoreFamily family);

    /**
     * Writes the batches, in order, as one atomic and (if {@code sync}) durable unit, leaving out
     * those whose expectations do not hold once the batches before them are applied.
     *
     * @return the positions of the batches left out
     */
    abstract BitSet write(List<StoreBatch> batches, boolean sync) throws Exception;

    abstract Optional<byte[]> get(StoreFamily family, byte[] key) throws Exception;

    /** Entries with {@code from <= key < to} in key order; {@code to} null: to the family's end. */
    abstract List<KeyValue> scan(StoreFamily family, byte[] from, byte[] to, int limit, boolean values)
            throws Exception;

    /** Releases the backend once everything queued is written and no read is under way. */
    abstract void release();

    @Override
    public final CompletionStage<Void> commit(StoreBatch batch, Durability durability) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            checkWritable(batch); // refused here, not with the batches beside it
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

    /**
     * Every family of the batch must be declared, and all of one placement: on a cluster the node's
     * own and the shared records are in two stores, and no batch can be atomic across them. A
     * single node refuses the same batches, so that what works on one node works in a cluster.
     */
    private void checkWritable(StoreBatch batch) {
        StoreFamily first = null;
        for (StoreBatch.Operation op : batch.operations()) {
            checkDeclared(op.family());
            if (first == null) {
                first = op.family();
            } else if (first.placement() != op.family().placement()) {
                throw spanning(first, op.family());
            }
        }
        for (StoreBatch.Expectation expectation : batch.expectations()) {
            checkDeclared(expectation.family());
            if (first != null && first.placement() != expectation.family().placement()) {
                throw spanning(first, expectation.family());
            }
        }
    }

    private static StoreException spanning(StoreFamily one, StoreFamily other) {
        return new StoreException("a batch cannot write both " + one.name() + " (" + one.placement()
                + ") and " + other.name() + " (" + other.placement() + ")");
    }

    @Override
    public final CompletionStage<Optional<byte[]>> read(StoreFamily family, byte[] key) {
        return onReader(family, () -> get(family, key));
    }

    @Override
    public final CompletionStage<List<KeyValue>> range(StoreFamily family, byte[] from, byte[] to, int limit) {
        return onReader(family, () -> scan(family, from, to, limit, true));
    }

    @Override
    public final CompletionStage<List<byte[]>> keys(StoreFamily family, byte[] from, byte[] to, int limit) {
        return onReader(family, () -> scanKeys(family, from, to, limit));
    }

    @Override
    public final CompletionStage<List<byte[]>> keysFrom(StoreFamily family, byte[] from, int limit) {
        return onReader(family, () -> scanKeys(family, from, null, limit));
    }

    private List<byte[]> scanKeys(StoreFamily family, byte[] from, byte[] to, int limit) throws Exception {
        return scan(family, from, to, limit, false).stream().map(KeyValue::key).toList();
    }

    private interface Read<T> {
        T run() throws Exception;
    }

    /** Runs a read on a reader thread while the store stays open. */
    private <T> CompletionStage<T> onReader(StoreFamily family, Read<T> read) {
        Supplier<T> task = () -> {
            openLock.readLock().lock();
            try {
                if (closed) {
                    throw new StoreException("store is closed");
                }
                checkDeclared(family);
                return read.run();
            } catch (StoreException e) {
                throw e;
            } catch (Exception e) {
                throw new StoreException("read failed: " + e.getMessage(), e);
            } finally {
                openLock.readLock().unlock();
            }
        };
        try {
            return CompletableFuture.supplyAsync(task, readers);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new StoreException("store is closed"));
        }
    }

    @Override
    public final long syncs() {
        return syncs.get();
    }

    @Override
    public final long syncedBatches() {
        return syncedBatches.get();
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
        long synced = group.stream().filter(p -> p.durability() == Durability.SYNC).count();
        try {
            long start = System.nanoTime();
            BitSet refused = write(group.stream().map(Pending::batch).toList(), synced > 0);
            CommitMetrics observed = metrics;
            if (observed != null) {
                observed.committed(Duration.ofNanos(System.nanoTime() - start), synced);
            }
            if (synced > 0) {
                syncs.incrementAndGet();
                syncedBatches.addAndGet(synced);
            }
            for (int i = 0; i < group.size(); i++) {
                if (refused.get(i)) {
                    group.get(i).done().completeExceptionally(
                            new StoreConflictException("a record the batch expected has changed"));
                } else {
                    group.get(i).done().complete(null);
                }
            }
        } catch (Exception | Error e) {
            log.error("Store write of {} batches failed: {}", group.size(), e.getMessage());
            StoreException failure = new StoreException("write failed: " + e.getMessage(), e);
            group.forEach(p -> p.done().completeExceptionally(failure));
        }
        group.clear();
    }

    @Override
    public final void close() {
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
        readers.shutdown(); // reads under way finish; releasing below waits for them through openLock
        try {
            committer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        openLock.writeLock().lock();
        try {
            release();
        } finally {
            openLock.writeLock().unlock();
        }
    }
}
