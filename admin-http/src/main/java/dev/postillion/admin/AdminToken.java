package dev.postillion.admin;

import dev.postillion.core.SecretFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer token of the admin API: the configured one ({@code postillion.admin.token}, filled
 * from {@code POSTILLION_ADMIN_TOKEN} when set), else the one stored in the data directory, else a
 * new random one, stored there and printed once.
 */
public final class AdminToken {

    static final String FILE_NAME = "admin-token";
    private static final Logger log = LoggerFactory.getLogger(AdminToken.class);

    private AdminToken() {}

    public static String resolve(String configured, Path dataDir) {
        if (!configured.isBlank()) {
            return configured.strip();
        }
        Path file = dataDir.resolve(FILE_NAME);
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            }
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.createDirectories(dataDir);
            SecretFile.create(file);
            Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
            log.info("Generated the admin API token (stored in {}): {}", file, token);
            return token;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or create the admin token at " + file + ": "
                    + e.getMessage(), e);
        }
    }
}
