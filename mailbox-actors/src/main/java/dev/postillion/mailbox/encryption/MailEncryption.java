package dev.postillion.mailbox.encryption;

import dev.postillion.mailbox.PasswordHash;
import dev.postillion.mailbox.proto.EncryptionRecord;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;

/**
 * The node's encryption at rest (SPEC section 7), each step on threads of its own, never on an
 * actor, event loop or the directory's writer: key generation and Argon2id (deliberately slow and
 * memory-hard) at enabling, login and password change; OpenPGP encryption of messages as a
 * mailbox stores them and decryption as its owner reads them.
 */
public final class MailEncryption {

    private final PasswordHash.Cost wrapCost;
    private final ExecutorService threads;

    /**
     * @param wrapCost the Argon2id cost of new wrapping keys ({@code postillion.directory.key-wrap})
     * @param threads where the work runs; the caller shuts them down
     */
    public MailEncryption(PasswordHash.Cost wrapCost, ExecutorService threads) {
        this.wrapCost = wrapCost;
        this.threads = threads;
    }

    /** A new key pair for {@code address}, its secret key wrapped under {@code password}. */
    public CompletionStage<EncryptionRecord> newKeys(String address, String password, long nowMillis) {
        return CompletableFuture.supplyAsync(() -> KeyWrap.wrap(MailboxKeys.generate(address, new Date(nowMillis)),
                password, address, wrapCost, nowMillis), threads);
    }

    /** The secret key, if {@code password} unwraps it; empty for any other password. */
    public CompletionStage<Optional<MailboxKey>> unlock(EncryptionRecord record, String password, String address) {
        return CompletableFuture.supplyAsync(() -> KeyWrap.unwrap(record, password, address).map(MailboxKey::new),
                threads);
    }

    /** The key pair of {@code record} wrapped under {@code newPassword}, if {@code oldPassword} unwraps it. */
    public CompletionStage<Optional<EncryptionRecord>> rewrap(EncryptionRecord record, String oldPassword,
            String newPassword, String address) {
        return CompletableFuture.supplyAsync(() -> KeyWrap.unwrap(record, oldPassword, address)
                .map(secret -> KeyWrap.rewrap(record, secret, newPassword, address, wrapCost)), threads);
    }

    /** Each of {@code contents} encrypted to {@code publicKey} (a transferable public key), in order. */
    public CompletionStage<List<byte[]>> encrypt(byte[] publicKey, List<byte[]> contents) {
        return CompletableFuture.supplyAsync(() -> contents.stream()
                .map(content -> OpenPgpMessages.encrypt(publicKey, content)).toList(), threads);
    }

    /**
     * {@code contents} as stored, each encrypted one decrypted with {@code key}, in order; one in
     * the clear (stored before encryption was turned on) is given as it is.
     */
    public CompletionStage<List<byte[]>> open(MailboxKey key, List<byte[]> contents) {
        return CompletableFuture.supplyAsync(() -> contents.stream()
                .map(content -> OpenPgpMessages.isEncrypted(content) ? key.decrypt(content) : content).toList(),
                threads);
    }
}
