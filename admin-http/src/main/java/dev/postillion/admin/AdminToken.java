package dev.postillion.admin;

import dev.postillion.core.SharedSecret;
import dev.postillion.core.Store;
import java.nio.file.Path;

/**
 * The bearer token of the admin API: the configured one ({@code postillion.admin.token}, filled
 * from {@code POSTILLION_ADMIN_TOKEN} when set), else the one in the data directory's
 * {@value #FILE_NAME}, else the cluster's, else a new random one ({@link SharedSecret}): every node
 * of a cluster answers the same token.
 */
public final class AdminToken {

    static final String FILE_NAME = "admin-token";

    private AdminToken() {}

    public static String resolve(String configured, Store shared, Path dataDir) {
        if (!configured.isBlank()) {
            return configured.strip();
        }
        return SharedSecret.resolve(shared, FILE_NAME, dataDir, "the admin API token").strip();
    }
}
