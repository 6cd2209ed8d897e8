package dev.postillion.mailbox.responder;

import dev.postillion.mailbox.MailboxFamilies;
import dev.postillion.core.Keys;
import dev.postillion.core.Store;
import dev.postillion.core.StoreBatch;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * When each sender was last answered from an address, in the {@code responder-memory} column
 * family, so that the once-per-interval rule of {@link AutoReplyPolicy} holds across restarts
 * and across responders of the address.
 *
 * <p>Keys are the address ({@link Keys#text}, ended by 0x00) followed by the sender, both
 * lower-cased as addresses compare case-insensitively (SPEC section 1): one address's entries sort
 * together, so that forgetting them is one range deletion. Values are the epoch milliseconds of
 * the answer, big-endian; finer precision is dropped.
 */
public final class ResponderMemory {

    private final Store store;

    public ResponderMemory(Store store) {
        this.store = store;
    }

    /**
     * When {@code address} last answered {@code sender}; empty if never, or forgotten since.
     *
     * @param sender the envelope sender as {@link IncomingMessage#sender()} gives it
     */
    public CompletionStage<Optional<Instant>> lastReply(String address, String sender) {
        return store.read(MailboxFamilies.RESPONDER_MEMORY, key(address, sender))
                .thenApply(value -> value.map(bytes -> Instant.ofEpochMilli(ByteBuffer.wrap(bytes).getLong())));
    }

    /** Adds to {@code batch} that {@code address} answered {@code sender} at {@code at}. */
    public void remember(StoreBatch batch, String address, String sender, Instant at) {
        byte[] millis = ByteBuffer.allocate(Long.BYTES).putLong(at.toEpochMilli()).array();
        batch.put(MailboxFamilies.RESPONDER_MEMORY, key(address, sender), millis);
    }

    /**
     * Adds to {@code batch} the deletion of everything {@code address} remembers: when the address
     * is deleted, or when its owner wants every sender answered afresh.
     */
    public void forget(StoreBatch batch, String address) {
        byte[] prefix = Keys.text(lower(address));
        batch.deleteRange(MailboxFamilies.RESPONDER_MEMORY, prefix, Keys.prefixEnd(prefix));
    }

    /**
     * The deletion of the answers {@code address} gave before {@code cutoff}: past the answer
     * interval they no longer decide anything, and the memory stays the size of the senders of one
     * interval.
     */
    public CompletionStage<StoreBatch> forgetBefore(String address, Instant cutoff) {
        byte[] prefix = Keys.text(lower(address));
        return store.prefix(MailboxFamilies.RESPONDER_MEMORY, prefix, Integer.MAX_VALUE).thenApply(entries -> {
            StoreBatch batch = new StoreBatch();
            for (Store.KeyValue entry : entries) {
                if (ByteBuffer.wrap(entry.value()).getLong() < cutoff.toEpochMilli()) {
                    batch.delete(MailboxFamilies.RESPONDER_MEMORY, entry.key());
                }
            }
            return batch;
        });
    }

    private static byte[] key(String address, String sender) {
        byte[] prefix = Keys.text(lower(address));
        byte[] senderBytes = lower(sender).getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(prefix.length + senderBytes.length).put(prefix).put(senderBytes).array();
    }

    private static String lower(String address) {
        return address.toLowerCase(Locale.ROOT);
    }
}
