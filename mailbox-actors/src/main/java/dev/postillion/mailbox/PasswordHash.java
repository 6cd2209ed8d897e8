package dev.postillion.mailbox;

import com.typesafe.config.Config;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Passwords are kept only as Argon2id hashes (RFC 9106) with a per-address salt, written in the PHC
 * string format ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}) so that every hash carries the
 * parameters it was made with: raising them later leaves older hashes verifiable. Hashing is
 * deliberately slow and memory-hard: callers run it off actor and I/O threads.
 */
public final class PasswordHash {

    /**
     * Argon2id cost, {@code postillion.directory.password-hash}: memory in KiB, passes over it, and
     * lanes. RFC 9106 section 7.4 and OWASP's minimum (19 MiB, 2 passes, 1 lane) are the defaults.
     */
    public record Cost(int memoryKib, int iterations, int parallelism) {

        public Cost {
            if (parallelism < 1 || iterations < 1 || memoryKib < 8 * parallelism) {
                // RFC 9106 section 3.1: memory is at least 8 KiB per lane.
                throw new IllegalArgumentException("password-hash needs parallelism >= 1, iterations >= 1 and"
                        + " memory >= 8KiB per lane");
            }
        }

        public static Cost from(Config hash) {
            return new Cost(Math.toIntExact(hash.getBytes("memory") / 1024), hash.getInt("iterations"),
                    hash.getInt("parallelism"));
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODER = Base64.getDecoder();
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
    /**
     * The most a stored hash may ask of a check (1 GiB, 100 passes): a record damaged or
     * tampered with cannot make one login exhaust the heap or a core.
     */
    private static final int MAX_MEMORY_KIB = 1 << 20;
    private static final int MAX_ITERATIONS = 100;
    /** RFC 9106 section 3.1: a tag is at least 4 bytes. */
    private static final int MIN_HASH_BYTES = 4;

    private PasswordHash() {}

    /** A new hash of {@code password} with a fresh salt, in the PHC string format. */
    static String of(String password, Cost cost) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] hash = derive(password, salt, cost, HASH_BYTES);
        return "$argon2id$v=19$m=" + cost.memoryKib() + ",t=" + cost.iterations() + ",p=" + cost.parallelism()
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /**
     * Whether {@code password} is the one {@code encoded} was made from; false for anything that is
     * not an Argon2id PHC string within the limits above. The comparison takes the same time
     * wherever the bytes differ.
     */
    static boolean matches(String password, String encoded) {
        Matcher phc = PHC.matcher(encoded);
        if (!phc.matches()) {
            return false;
        }
        int memory = Integer.parseInt(phc.group(1));
        int iterations = Integer.parseInt(phc.group(2));
        int parallelism = Integer.parseInt(phc.group(3));
        if (memory > MAX_MEMORY_KIB || iterations > MAX_ITERATIONS || parallelism < 1
                || iterations < 1 || memory < 8 * parallelism) {
            return false;
        }
        try {
            byte[] salt = B64_DECODER.decode(phc.group(4));
            byte[] expected = B64_DECODER.decode(phc.group(5));
            return expected.length >= MIN_HASH_BYTES && MessageDigest.isEqual(expected,
                    derive(password, salt, new Cost(memory, iterations, parallelism), expected.length));
        } catch (IllegalArgumentException e) {
            // Not base64, or a salt Argon2 refuses: no password matches it.
            return false;
        }
    }

    /**
     * Argon2id (version 1.3) of {@code password} with {@code salt} and {@code cost}, {@code length}
     * bytes: the one derivation of password hashes and of the keys that wrap a mailbox's secret key.
     */
    public static byte[] derive(String password, byte[] salt, Cost cost, int length) {
        Argon2BytesGenerator argon2 = new Argon2BytesGenerator();
        argon2.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(cost.memoryKib())
                .withIterations(cost.iterations())
                .withParallelism(cost.parallelism())
                .withSalt(salt)
                .build());
        byte[] hash = new byte[length];
        argon2.generateBytes(password.getBytes(StandardCharsets.UTF_8), hash);
        return hash;
    }
}
