package dev.postillion.mailbox;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Passwords are kept only as PBKDF2-HMAC-SHA256 (RFC 8018 section 5.2) with a per-address salt.
 * Hashing is deliberately slow: callers run it off actor and I/O threads.
 */
record PasswordHash(byte[] hash, byte[] salt, int iterations) {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int KEY_BITS = 256;

    static PasswordHash of(String password, int iterations) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return new PasswordHash(derive(password, salt, iterations), salt, iterations);
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, KEY_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every Java platform", e);
        } finally {
            spec.clearPassword();
        }
    }
}
