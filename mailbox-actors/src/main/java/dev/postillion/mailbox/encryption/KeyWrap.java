package dev.postillion.mailbox.encryption;

import com.google.protobuf.ByteString;
import dev.postillion.mailbox.PasswordHash;
import dev.postillion.mailbox.proto.EncryptionRecord;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * An address's secret key wrapped under its password (SPEC section 7): AES-256-GCM with a key
 * derived by Argon2id ({@link PasswordHash#derive}) from the password and a salt of its own, so
 * that the store holds nothing that opens the mail without the password. The address is the
 * cipher's associated data: a wrapped key copied onto another address's record does not open.
 */
final class KeyWrap {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int SALT_BYTES = 16;
    /** NIST SP 800-38D section 8.2: a 96-bit nonce, random, used once (each wrap has its own key too). */
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int KEY_BYTES = 32;
    /** The most a stored record may ask of an unwrap (1 GiB, 100 passes), as for password hashes. */
    private static final int MAX_MEMORY_KIB = 1 << 20;
    private static final int MAX_ITERATIONS = 100;

    private KeyWrap() {}

    /** {@code keys} as the address's record keeps them: the public key open, the secret key wrapped. */
    static EncryptionRecord wrap(MailboxKeys.Generated keys, String password, String address, PasswordHash.Cost cost,
            long createdMillis) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return EncryptionRecord.newBuilder()
                .setPublicKey(ByteString.copyFrom(keys.publicKey()))
                .setFingerprint(keys.fingerprint())
                .setWrappedSecretKey(ByteString.copyFrom(seal(keys.secretKey(), password, salt, cost, address)))
                .setSalt(ByteString.copyFrom(salt))
                .setMemoryKib(cost.memoryKib())
                .setIterations(cost.iterations())
                .setParallelism(cost.parallelism())
                .setCreatedEpochMillis(createdMillis)
                .build();
    }

    /** The same key pair wrapped under a new password, with a new salt and the current cost. */
    static EncryptionRecord rewrap(EncryptionRecord record, byte[] secretKey, String password, String address,
            PasswordHash.Cost cost) {
        MailboxKeys.Generated keys = new MailboxKeys.Generated(record.getPublicKey().toByteArray(), secretKey,
                record.getFingerprint());
        return wrap(keys, password, address, cost, record.getCreatedEpochMillis());
    }

    /** The secret key, if {@code password} is the one it was wrapped under; empty otherwise. */
    static Optional<byte[]> unwrap(EncryptionRecord record, String password, String address) {
        if (record.getMemoryKib() > MAX_MEMORY_KIB || record.getIterations() > MAX_ITERATIONS) {
            return Optional.empty();
        }
        PasswordHash.Cost cost = new PasswordHash.Cost(record.getMemoryKib(), record.getIterations(),
                record.getParallelism());
        byte[] wrapped = record.getWrappedSecretKey().toByteArray();
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, password, record.getSalt().toByteArray(), cost, address,
                    Arrays.copyOf(wrapped, NONCE_BYTES));
            return Optional.of(cipher.doFinal(wrapped, NONCE_BYTES, wrapped.length - NONCE_BYTES));
        } catch (AEADBadTagException e) {
            return Optional.empty(); // another password
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available", e);
        }
    }

    private static byte[] seal(byte[] secretKey, String password, byte[] salt, PasswordHash.Cost cost,
            String address) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            byte[] sealed = cipher(Cipher.ENCRYPT_MODE, password, salt, cost, address, nonce).doFinal(secretKey);
            byte[] wrapped = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, wrapped, NONCE_BYTES, sealed.length);
            return wrapped;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available", e);
        }
    }

    private static Cipher cipher(int mode, String password, byte[] salt, PasswordHash.Cost cost, String address,
            byte[] nonce) throws GeneralSecurityException {
        byte[] key = PasswordHash.derive(password, salt, cost, KEY_BYTES);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(address.getBytes(StandardCharsets.UTF_8));
        Arrays.fill(key, (byte) 0);
        return cipher;
    }
}
