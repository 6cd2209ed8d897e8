package dev.postillion.queue.cluster;

import dev.postillion.core.TestStores;
import dev.postillion.core.QueueId;
import dev.postillion.core.Store;
import dev.postillion.core.StoreException;
import dev.postillion.queue.SpoolStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The spool over a real store, whose reads of messages answer, never complete (a node too busy to
 * answer in time), or fail (a broken disk), as the test says.
 */
final class UnsteadySpool extends SpoolStore {

    enum Behaviour { ANSWERS, SILENT, FAILS }

    private volatile Behaviour behaviour = Behaviour.ANSWERS;

    UnsteadySpool(Store store) {
        super(store, TestStores.SPOOL_KEY);
    }

    void behave(Behaviour behaviour) {
        this.behaviour = behaviour;
    }

    @Override
    public CompletionStage<QueuedMessage> message(QueueId id) {
        return behaviour == Behaviour.ANSWERS ? super.message(id) : unsteady();
    }

    @Override
    public CompletionStage<List<QueuedMessage>> messages(QueueId after, int limit) {
        return behaviour == Behaviour.ANSWERS ? super.messages(after, limit) : unsteady();
    }

    private <T> CompletionStage<T> unsteady() {
        return behaviour == Behaviour.SILENT ? new CompletableFuture<>()
                : CompletableFuture.failedFuture(new StoreException("read failed: Input/output error"));
    }
}
