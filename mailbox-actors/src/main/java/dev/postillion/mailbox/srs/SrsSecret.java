package dev.postillion.mailbox.srs;

import dev.postillion.core.SecretFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SRS secrets: the configured ones, else those in {@code srs.secret} in the data directory, else
 * a new random one stored there. Either way one secret per line, the first signing and all verifying,
 * as in postsrsd's secrets file; each line's text is the HMAC key, so the file can be shared with
 * postsrsd. A generated secret must survive restarts: bounces to addresses signed with a lost secret
 * are refused.
 */
public final class SrsSecret {

    static final String FILE_NAME = "srs.secret";
    private static final int RANDOM_BYTES = 32;
    private static final Logger log = LoggerFactory.getLogger(SrsSecret.class);

    private SrsSecret() {}

    public static List<byte[]> load(String configured, Path dataDir) {
        if (!configured.isBlank()) {
            return parse(configured, "the configured SRS secret");
        }
        Path file = dataDir.resolve(FILE_NAME);
        try {
            if (!Files.exists(file)) {
                generate(dataDir, file);
            }
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot read or create the SRS secret at " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<byte[]> parse(String text, String source) {
        List<byte[]> secrets = text.lines().map(String::strip).filter(line -> !line.isEmpty())
                .map(line -> line.getBytes(StandardCharsets.UTF_8)).toList();
        if (secrets.isEmpty()) {
            throw new IllegalStateException(source + " contains no secret");
        }
        return secrets;
    }

    /** Another process creating the file at the same moment wins; we read what it wrote. */
    private static void generate(Path dataDir, Path file) throws IOException {
        byte[] random = new byte[RANDOM_BYTES];
        new SecureRandom().nextBytes(random);
        Files.createDirectories(dataDir);
        try {
            SecretFile.create(file);
        } catch (FileAlreadyExistsException e) {
            return;
        }
        Files.writeString(file, Base64.getEncoder().encodeToString(random) + "\n", StandardCharsets.UTF_8);
        log.info("Generated the SRS secret in {}; keep it with the data, bounces depend on it", file);
    }
}
