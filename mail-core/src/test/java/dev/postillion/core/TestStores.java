package dev.postillion.core;

import java.nio.file.Path;

/** Opens a small real {@link Store} in a test's temporary directory. */
public final class TestStores {

    private static final StoreSettings SMALL = new StoreSettings(8L << 20, 4096, 2, 2);

    private TestStores() {}

    public static Store open(Path directory) {
        return Store.open(directory, SMALL);
    }
}
