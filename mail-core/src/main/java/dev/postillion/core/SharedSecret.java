package dev.postillion.core;

import dev.postillion.core.Store.Durability;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A secret every node of the service must share, such as the admin API's token or the SRS secret
 * (a bounce signed by one node comes back to another), when none is configured. It is kept in a
 * file of the node's data directory, readable by its owner only, where the operator finds it, and
 * in the shared store, where a node that has no file yet finds it: the first node to start makes
 * it, the others take it. A file the operator wrote wins, and is put into the shared store for the
 * nodes that start after. At start-up only: it waits for the store.
 */
public final class SharedSecret {

    /** The secrets, keyed by name. */
    public static final StoreFamily FAMILY = new StoreFamily("shared-secrets", false, StoreFamily.Placement.SHARED);

    private static final Logger log = LoggerFactory.getLogger(SharedSecret.class);
    private static final int RANDOM_BYTES = 32;

    private SharedSecret() {}

    /**
     * The secret {@code name}, kept in the data directory's file of that name.
     *
     * @param what the secret, for the log ("the admin API token")
     */
    public static String resolve(Store shared, String name, Path dataDir, String what) {
        byte[] key = name.getBytes(StandardCharsets.UTF_8);
        Path file = dataDir.resolve(name);
        try {
            Optional<String> stored = shared.readBlocking(FAMILY, key).map(SharedSecret::text);
            String secret;
            if (Files.exists(file)) {
                secret = Files.readString(file, StandardCharsets.UTF_8);
                if (!stored.equals(Optional.of(secret))) {
                    shared.commitBlocking(new StoreBatch().put(FAMILY, key, bytes(secret)), Durability.SYNC);
                }
            } else {
                secret = stored.orElseGet(() -> claim(shared, key, generated(what, file)));
                keepInFile(file, secret);
            }
            return secret;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or keep " + what + " at " + file + ": " + e.getMessage(), e);
        }
    }

    /** Puts {@code secret} into the shared store unless another node did first; the one kept. */
    private static String claim(Store shared, byte[] key, String secret) {
        try {
            shared.commitBlocking(new StoreBatch().expect(FAMILY, key, null).put(FAMILY, key, bytes(secret)),
                    Durability.SYNC);
            return secret;
        } catch (StoreConflictException e) {
            return shared.readBlocking(FAMILY, key).map(SharedSecret::text).orElseThrow();
        }
    }

    private static String generated(String what, Path file) {
        byte[] random = new byte[RANDOM_BYTES];
        new SecureRandom().nextBytes(random);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n";
        log.info("Generated {}; it is kept in the shared store and in {}", what, file);
        return secret;
    }

    private static void keepInFile(Path file, String secret) throws IOException {
        Files.createDirectories(file.getParent());
        SecretFile.create(file);
        Files.writeString(file, secret, StandardCharsets.UTF_8);
    }

    private static String text(byte[] value) {
        return new String(value, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
