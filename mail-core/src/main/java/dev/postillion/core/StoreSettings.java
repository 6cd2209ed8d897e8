package dev.postillion.core;

import com.typesafe.config.Config;

/** {@code postillion.store} settings; documented in mail-core's reference.conf. */
public record StoreSettings(long blockCacheBytes, long blobMinBytes, int backgroundJobs, int readThreads) {

    public static StoreSettings from(Config store) {
        return new StoreSettings(
                store.getBytes("block-cache-size"),
                store.getBytes("blob-min-size"),
                store.getInt("background-jobs"),
                store.getInt("read-threads"));
    }
}
