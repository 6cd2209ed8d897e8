package dev.postillion.core;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;

/** Opens a small real {@link Store} in a test's temporary directory. */
public final class TestStores {

    private static final StoreSettings SMALL = new StoreSettings(8L << 20, 4096, 2, 2);

    private TestStores() {}

    /** @param families those of the modules whose records the test keeps */
    @SafeVarargs
    public static Store open(Path directory, Collection<StoreFamily>... families) {
        return Store.open(directory, SMALL, Arrays.stream(families).flatMap(Collection::stream).toList());
    }
}
