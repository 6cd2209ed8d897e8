package dev.postillion.queue;

import dev.postillion.core.TestStores;
import dev.postillion.core.QueueId;
import dev.postillion.core.Store;
import dev.postillion.core.Store.Durability;
import dev.postillion.core.StoreException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The spool over a real store, whose commits fail while the test says so, as on a full disk, and
 * whose read of a message can be held until the test lets it go on or fail.
 */
final class FailingSpoolStore extends SpoolStore {

    private volatile boolean failing;
    private final Map<QueueId, CompletableFuture<Void>> heldReads = new ConcurrentHashMap<>();

    FailingSpoolStore(Store store) {
        super(store, TestStores.SPOOL_KEY);
    }

    void failCommits(boolean failing) {
        this.failing = failing;
    }

    /**
     * The next read of the message waits until the future returned completes, and fails if it
     * completes so; reads after it are not held.
     */
    CompletableFuture<Void> holdNextRead(QueueId id) {
        CompletableFuture<Void> release = new CompletableFuture<>();
        heldReads.put(id, release);
        return release;
    }

    @Override
    public CompletionStage<QueuedMessage> message(QueueId id) {
        CompletableFuture<Void> release = heldReads.remove(id);
        return release == null ? super.message(id) : release.thenCompose(go -> super.message(id));
    }

    @Override
    public CompletionStage<Void> commit(Change change, Durability durability) {
        return failing
                ? CompletableFuture.failedFuture(new StoreException("write failed: No space left on device"))
                : super.commit(change, durability);
    }
}
