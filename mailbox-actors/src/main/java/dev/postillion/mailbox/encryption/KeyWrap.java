package dev.postillion.mailbox.encryption;

import com.google.protobuf.ByteString;
import dev.postillion.core.SealingKey;
import dev.postillion.mailbox.PasswordHash;
import dev.postillion.mailbox.proto.EncryptionRecord;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

/**
 * An address's secret key wrapped under its password (SPEC section 7): AES-256-GCM ({@link
 * SealingKey}, a fresh random nonce each wrap) with a key derived by Argon2id ({@link
 * PasswordHash#derive}) from the password and a salt of its own, so that the store holds nothing
 * that opens the mail without the password. The address is the cipher's associated data: a
 * wrapped key copied onto another address's record does not open.
 */
final class KeyWrap {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int SALT_BYTES = 16;
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
        try {
            return Optional.of(key(password, record.getSalt().toByteArray(), cost)
                    .open(record.getWrappedSecretKey().toByteArray(), address.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            return Optional.empty(); // another password
        }
    }

    private static byte[] seal(byte[] secretKey, String password, byte[] salt, PasswordHash.Cost cost,
            String address) {
        return key(password, salt, cost).seal(secretKey, address.getBytes(StandardCharsets.UTF_8));
    }

    /** The wrapping key: Argon2id of the password, sealing as the node's other keys do ({@link SealingKey}). */
    private static SealingKey key(String password, byte[] salt, PasswordHash.Cost cost) {
        byte[] derived = PasswordHash.derive(password, salt, cost, SealingKey.KEY_OCTETS);
        try {
            return new SealingKey(derived);
        } finally {
            Arrays.fill(derived, (byte) 0);
        }
    }
}
