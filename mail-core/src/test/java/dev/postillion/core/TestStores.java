package dev.postillion.core;

import dev.postillion.core.store.PostgresSettings;
import dev.postillion.core.store.PostgresStore;
import dev.postillion.core.store.RocksDbStore;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;

/** Opens a small real {@link Store}: RocksDB in a test's temporary directory, or PostgreSQL. */
public final class TestStores {

    /** The key tests' spools seal their content with: one for all, so that any spool a test opens reads it. */
    public static final SealingKey SPOOL_KEY = new SealingKey(new byte[SealingKey.KEY_OCTETS]);

    private static final StoreSettings SMALL = new StoreSettings(StoreSettings.Backend.ROCKSDB, 8L << 20, 4096, 2, 2, null);

    private TestStores() {}

    /** @param families those of the modules whose records the test keeps */
    @SafeVarargs
    public static Store open(Path directory, Collection<StoreFamily>... families) {
        return RocksDbStore.open(directory, SMALL, Arrays.stream(families).flatMap(Collection::stream).toList());
    }

    /** Opens the shared store on a test database, such as one of {@link TestPostgres#newDatabase()}. */
    @SafeVarargs
    public static Store open(PostgresSettings database, Collection<StoreFamily>... families) {
        return PostgresStore.open(database, 2, Arrays.stream(families).flatMap(Collection::stream).toList());
    }
}
