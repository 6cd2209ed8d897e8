package dev.postillion.core.store;

import dev.postillion.core.Store;
import dev.postillion.core.StoreFamily;
import dev.postillion.core.StoreFamily.Placement;
import dev.postillion.core.StoreSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * The node's two stores (ARCHITECTURE "Storage"): its own, always the RocksDB under the data
 * directory, which holds the spool; and the shared one, which holds everything else. On a single
 * node ({@code postillion.store.backend = rocksdb}) both are the same RocksDB, so nothing is
 * slower than before; in a cluster ({@code postgresql}) the shared one is the database every node
 * uses.
 */
public final class NodeStores implements AutoCloseable {

    private final Store local;
    private final Store shared;

    private NodeStores(Store local, Store shared) {
        this.local = local;
        this.shared = shared;
    }

    /**
     * Opens the stores for the {@code families} the node's modules declare, their commits counted
     * in {@code metrics}.
     */
    public static NodeStores open(Path dataDir, StoreSettings settings, Collection<StoreFamily> families,
            MeterRegistry metrics) {
        Path directory = localDirectory(dataDir);
        if (settings.backend() == StoreSettings.Backend.ROCKSDB) {
            RocksDbStore store = RocksDbStore.open(directory, settings, families);
            store.observe(metrics, "rocksdb");
            return new NodeStores(store, store);
        }
        RocksDbStore local = RocksDbStore.open(directory, settings, placed(families, Placement.NODE));
        local.observe(metrics, "rocksdb");
        try {
            PostgresStore shared = PostgresStore.open(settings.postgresql(), settings.readThreads(),
                    placed(families, Placement.SHARED));
            shared.observe(metrics, "postgresql");
            return new NodeStores(local, shared);
        } catch (RuntimeException e) {
            local.close();
            throw e;
        }
    }

    /** Where the node's own RocksDB is, whatever the backend: under its data directory. */
    public static Path localDirectory(Path dataDir) {
        return dataDir.resolve("store");
    }

    private static List<StoreFamily> placed(Collection<StoreFamily> families, Placement placement) {
        return families.stream().filter(family -> family.placement() == placement).toList();
    }

    /** The node's own store: the spool. */
    public Store local() {
        return local;
    }

    /** The store the whole service shares: directory, mailboxes, policies' records. */
    public Store shared() {
        return shared;
    }

    /** Closes the shared store, then the node's own (the same one on a single node closes once). */
    @Override
    public void close() {
        shared.close();
        local.close();
    }
}
