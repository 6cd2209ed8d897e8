package dev.postillion.mta;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.postillion.core.TestPostgres;
import dev.postillion.core.store.PostgresSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which shared store the test nodes use: their own RocksDB, as a single node does, or with
 * {@code -Dpostillion.test.store=postgresql} a PostgreSQL database, as the nodes of a cluster do,
 * so that the integration tests run against either backend. A node restarted on its data
 * directory finds its database again.
 */
final class TestSharedStore {

    private static final Map<Path, PostgresSettings> databases = new ConcurrentHashMap<>();

    private TestSharedStore() {}

    static boolean postgresql() {
        return "postgresql".equals(System.getProperty("postillion.test.store", "rocksdb"));
    }

    /**
     * A DKIM master key file in {@code directory}, to give every node of a test cluster, as the
     * README asks of a cluster: the nodes refuse to start with keys of their own.
     */
    static Path dkimMasterKey(Path directory) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        Path file = directory.resolve("dkim-master.key");
        try {
            Files.writeString(file, Base64.getEncoder().encodeToString(random));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** The store settings of a node on {@code dataDir}. */
    static Config settings(Path dataDir) {
        if (!postgresql()) {
            return ConfigFactory.empty();
        }
        PostgresSettings database = databases.computeIfAbsent(dataDir.toAbsolutePath(),
                directory -> TestPostgres.newDatabase());
        return ConfigFactory.parseMap(Map.of(
                "postillion.store.backend", "postgresql",
                "postillion.store.postgresql.url", database.url(),
                "postillion.store.postgresql.user", database.user(),
                "postillion.store.postgresql.password", database.password()));
    }
}
