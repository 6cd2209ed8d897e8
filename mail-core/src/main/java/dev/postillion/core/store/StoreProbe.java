package dev.postillion.core.store;

import dev.postillion.core.SharedSecret;
import dev.postillion.core.Store;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether the shared store answers, for {@code /health}: one small read at a time, started by the
 * node's scheduler, whose outcome is remembered. A PostgreSQL that cannot be reached makes the
 * read fail once the pool gives up ({@code connect-timeout}); the next read that succeeds shows it
 * back. The node's own RocksDB always answers, so a single node's probe never fails.
 */
public final class StoreProbe {

    /** Nothing is stored under it: the read asks the store, not a record. */
    private static final byte[] PROBE = "!probe".getBytes(StandardCharsets.US_ASCII);

    private final Store store;
    private final Runnable recovered;
    private final AtomicBoolean reading = new AtomicBoolean();
    private volatile boolean reachable = true;

    /** @param recovered run when the store answers again after it did not */
    public StoreProbe(Store store, Runnable recovered) {
        this.store = store;
        this.recovered = recovered;
    }

    /** Starts a read unless one is under way; never waits. */
    public void probe() {
        if (reading.compareAndSet(false, true)) {
            store.read(SharedSecret.FAMILY, PROBE).whenComplete((value, failure) -> {
                boolean was = reachable;
                reachable = failure == null;
                reading.set(false);
                if (!was && reachable) {
                    recovered.run();
                }
            });
        }
    }

    /** Whether the last read that finished succeeded. */
    public boolean reachable() {
        return reachable;
    }
}
