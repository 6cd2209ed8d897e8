package dev.postillion.core;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.postillion.core.store.PostgresSettings;
import java.util.Locale;

/** {@code postillion.store} settings; documented in mail-core's reference.conf. */
public record StoreSettings(Backend backend, long blockCacheBytes, long blobMinBytes, int backgroundJobs,
        int readThreads, PostgresSettings postgresql) {

    /** Where the records other than the spool live (the spool is always in the node's RocksDB). */
    public enum Backend {
        /** The node's own RocksDB: a single node. */
        ROCKSDB,
        /** A PostgreSQL database the nodes of a cluster share. */
        POSTGRESQL
    }

    public static StoreSettings from(Config store) {
        return new StoreSettings(
                backend(store),
                store.getBytes("block-cache-size"),
                store.getBytes("blob-min-size"),
                store.getInt("background-jobs"),
                store.getInt("read-threads"),
                PostgresSettings.from(store.getConfig("postgresql")));
    }

    private static Backend backend(Config store) {
        String name = store.getString("backend");
        try {
            return Backend.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(store.origin(), "backend",
                    "'" + name + "' is not a store backend: rocksdb or postgresql");
        }
    }
}
