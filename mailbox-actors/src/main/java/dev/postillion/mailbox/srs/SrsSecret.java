package dev.postillion.mailbox.srs;

import dev.postillion.core.SharedSecret;
import dev.postillion.core.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The SRS secrets: the configured ones, else those in {@value #FILE_NAME} in the data directory,
 * else the cluster's, else a new random one ({@link SharedSecret}): every node signs and verifies
 * with the same. One secret per line, the first signing and all verifying, as in postsrsd's
 * secrets file; each line's text is the HMAC key, so the file can be shared with postsrsd. The
 * secret must survive restarts: bounces to addresses signed with a lost secret are refused.
 */
public final class SrsSecret {

    static final String FILE_NAME = "srs.secret";

    private SrsSecret() {}

    public static List<byte[]> load(String configured, Store shared, Path dataDir) {
        if (!configured.isBlank()) {
            return parse(configured, "the configured SRS secret");
        }
        return parse(SharedSecret.resolve(shared, FILE_NAME, dataDir, "the SRS secret"), dataDir.resolve(FILE_NAME)
                .toString());
    }

    private static List<byte[]> parse(String text, String source) {
        List<byte[]> secrets = text.lines().map(String::strip).filter(line -> !line.isEmpty())
                .map(line -> line.getBytes(StandardCharsets.UTF_8)).toList();
        if (secrets.isEmpty()) {
            throw new IllegalStateException(source + " contains no secret");
        }
        return secrets;
    }
}
