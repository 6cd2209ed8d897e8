package dev.postillion.mta.access;

import dev.postillion.mailbox.Address;
import dev.postillion.mailbox.AddressEncryption;
import dev.postillion.mailbox.MailStore;
import dev.postillion.mailbox.encryption.MailEncryption;
import dev.postillion.mailbox.encryption.MailboxKey;
import dev.postillion.mta.net.ContentMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.ToLongFunction;

/**
 * Stored messages read back whole for a mail client (IMAP's FETCH and SEARCH, POP3's RETR and
 * TOP), within the node's {@link ContentMemory}: a command over many messages reads them in runs
 * of about {@link #RUN_BYTES} (one message alone if it is larger), and each run first takes its
 * room in the memory the SMTP listeners' messages and IMAP's literals share, waiting while there is
 * none. However large the messages and however many clients fetch them at once, the content held
 * stays within that bound plus one message; a client is made to wait, never refused. A session
 * that unlocked its owner's key reads an encrypted mailbox's messages decrypted.
 */
public final class ContentReads {

    /** Bytes of content a run reads at once, unless one message alone is larger. */
    public static final long RUN_BYTES = 1 << 20;

    /**
     * Why IMAP and POP3 refuse a login whose credential, an app password, does not unwrap the
     * key of a mailbox encrypted at rest: only the address's password does (SPEC section 7).
     */
    public static final String ENCRYPTED_NEEDS_PASSWORD = "the mailbox is encrypted at rest: only the address's"
            + " password reads it, not an app password";

    private final MailStore store;
    private final ContentMemory memory;
    private final MailEncryption encryption;

    public ContentReads(MailStore store, ContentMemory memory, MailEncryption encryption) {
        this.store = store;
        this.memory = memory;
        this.encryption = encryption;
    }

    /**
     * {@code items} in order, cut into runs whose sizes add up to at most {@link #RUN_BYTES}; a
     * message larger than that is a run of its own.
     */
    public static <T> List<List<T>> runs(List<T> items, ToLongFunction<T> size) {
        List<List<T>> runs = new ArrayList<>();
        List<T> run = new ArrayList<>();
        long bytes = 0;
        for (T item : items) {
            long itemSize = size.applyAsLong(item);
            if (!run.isEmpty() && bytes + itemSize > RUN_BYTES) {
                runs.add(run);
                run = new ArrayList<>();
                bytes = 0;
            }
            run.add(item);
            bytes += itemSize;
        }
        if (!run.isEmpty()) {
            runs.add(run);
        }
        return runs;
    }

    /** A session's reads: each takes the room the one before it held. */
    public Reader reader() {
        return new Reader();
    }

    /**
     * What one session reads, a run at a time: a read holds its room in the memory until the
     * session reads again or releases it (its command or the session ends; a session that ends
     * while a read waits for room releases it too).
     */
    public final class Reader {
        private ContentMemory.Share held;
        private volatile MailboxKey key;

        private Reader() {}

        /**
         * SPEC section 7: the credential of a login unwraps the key of a mailbox encrypted at rest
         * (Argon2id, on the encryption threads), and messages it stored encrypted are read
         * decrypted from then on. Completes true when the session may read the mailbox: it is not
         * encrypted, or its key is now held; false when the credential does not unwrap it (an app
         * password), and the login is to be refused with {@link #ENCRYPTED_NEEDS_PASSWORD}.
         */
        public CompletionStage<Boolean> unlock(AddressEncryption encryption, Address owner, String password) {
            if (owner.encryption().isEmpty()) {
                return CompletableFuture.completedFuture(true);
            }
            return encryption.unlock(owner.mailbox(), password).thenApply(unwrapped -> {
                unwrapped.ifPresent(found -> key = found);
                return unwrapped.isPresent();
            });
        }

        /**
         * Takes {@code bytes} of room for the content of messages (waiting while there is none),
         * then reads it, in the order of {@code contentIds}. Content that is gone (expunged and
         * purged meanwhile) reads as empty.
         */
        public CompletionStage<List<byte[]>> read(String address, List<Long> contentIds, long bytes) {
            release();
            held = memory.share();
            return room(held, bytes).thenCompose(taken -> {
                List<CompletableFuture<byte[]>> reads = contentIds.stream()
                        .map(contentId -> store.content(address, contentId).toCompletableFuture()
                                .thenApply(content -> content.orElse(new byte[0])))
                        .toList();
                return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
                        .thenApply(done -> reads.stream().map(CompletableFuture::join).toList());
            }).thenCompose(contents -> key == null ? CompletableFuture.completedFuture(contents)
                    : encryption.open(key, contents));
        }

        /** Gives back the room the last read holds; idempotent. */
        public void release() {
            if (held != null) {
                held.release();
                held = null;
            }
        }
    }

    private static CompletableFuture<Void> room(ContentMemory.Share share, long bytes) {
        CompletableFuture<Void> room = new CompletableFuture<>();
        take(share, bytes, room);
        return room;
    }

    /** Asks again each time room is freed, until it is given (ContentMemory wakes waiters once). */
    private static void take(ContentMemory.Share share, long bytes, CompletableFuture<Void> room) {
        if (share.grow(bytes, () -> take(share, bytes, room))) {
            room.complete(null);
        }
    }
}
