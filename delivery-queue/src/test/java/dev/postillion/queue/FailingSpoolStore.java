package dev.postillion.queue;

import dev.postillion.core.Store;
import dev.postillion.core.Store.Durability;
import dev.postillion.core.StoreException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The spool over a real store, whose commits fail while the test says so, as on a full disk. */
final class FailingSpoolStore extends SpoolStore {

    private volatile boolean failing;

    FailingSpoolStore(Store store) {
        super(store);
    }

    void failCommits(boolean failing) {
        this.failing = failing;
    }

    @Override
    public CompletionStage<Void> commit(Change change, Durability durability) {
        return failing
                ? CompletableFuture.failedFuture(new StoreException("write failed: No space left on device"))
                : super.commit(change, durability);
    }
}
