package dev.postillion.queue;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.postillion.core.Envelope;
import dev.postillion.core.QueueId;
import dev.postillion.core.Store;
import dev.postillion.core.Store.Durability;
import dev.postillion.core.StoreException;
import dev.postillion.core.StoreFamily;
import dev.postillion.queue.proto.ParkedMessage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages kept aside in the node's spool until a write in the shared store lands: the forwards,
 * backup copies and replies a mailbox writes while it stores a delivery. On a single node the two
 * writes could be one batch; in a cluster the mailbox is in PostgreSQL and the spool on this
 * node's disk, and no batch spans them. So the messages are parked first (synced), the delivery is
 * written, and then they are released into the queue, or discarded if the write failed. After a
 * crash between the two, {@link #settle} decides each by whether the delivery's record exists.
 */
final class ParkedMessages {

    private static final Logger log = LoggerFactory.getLogger(ParkedMessages.class);
    /** More than the spool ever parks at once: a start-up settles everything in one read. */
    private static final int ALL = Integer.MAX_VALUE;

    /**
     * A parked message.
     *
     * @param markFamily with {@code markKey}, the shared record whose existence releases it
     */
    record Parked(QueueId id, Envelope envelope, byte[] content, StoreFamily markFamily, byte[] markKey) {}

    private final SpoolStore spool;
    private final Store store;

    ParkedMessages(SpoolStore spool) {
        this.spool = spool;
        this.store = spool.store();
    }

    /** Parks the messages; completes once that is durable. */
    CompletionStage<Void> park(List<Parked> messages) {
        SpoolStore.Change change = spool.change();
        messages.forEach(change::park);
        return spool.commit(change, Durability.SYNC);
    }

    /**
     * Moves the messages into the queue. Not synced: if this write is lost, the parked copies are
     * still there and {@link #settle} releases them at the next start.
     */
    CompletionStage<Void> release(List<Parked> messages) {
        SpoolStore.Change change = spool.change();
        for (Parked message : messages) {
            change.spool(message.id(), message.envelope(), message.content()).unpark(message.id());
        }
        return spool.commit(change, Durability.BUFFERED);
    }

    /** Drops the messages: the write they waited for failed. */
    CompletionStage<Void> discard(List<Parked> messages) {
        SpoolStore.Change change = spool.change();
        messages.forEach(message -> change.unpark(message.id()));
        return spool.commit(change, Durability.BUFFERED);
    }

    /**
     * Releases each parked message whose mark is in {@code shared} and discards the others. Only
     * while nothing parks, that is before the node's mailboxes take deliveries.
     *
     * @param families every family of the node, to find a mark's by its name
     * @return the messages released
     */
    CompletionStage<List<Parked>> settle(Store shared, Collection<StoreFamily> families) {
        Map<String, StoreFamily> byName = families.stream()
                .collect(Collectors.toMap(StoreFamily::name, Function.identity()));
        return store.range(SpoolFamilies.PARKED, new byte[0], SpoolStore.afterEveryId(), ALL).thenCompose(entries -> {
            List<CompletableFuture<Boolean>> marks = new ArrayList<>();
            List<Parked> parked = new ArrayList<>();
            for (Store.KeyValue entry : entries) {
                Parked message = parsed(entry, byName);
                parked.add(message);
                marks.add(shared.read(message.markFamily(), message.markKey())
                        .thenApply(mark -> mark.isPresent()).toCompletableFuture());
            }
            return CompletableFuture.allOf(marks.toArray(CompletableFuture[]::new)).thenCompose(read -> {
                List<Parked> released = new ArrayList<>();
                List<Parked> discarded = new ArrayList<>();
                for (int i = 0; i < parked.size(); i++) {
                    (marks.get(i).join() ? released : discarded).add(parked.get(i));
                }
                if (!parked.isEmpty()) {
                    log.info("Parked messages settled: {} released, {} discarded", released.size(), discarded.size());
                }
                return release(released).thenCompose(done -> discard(discarded)).thenApply(done -> released);
            });
        });
    }

    private Parked parsed(Store.KeyValue entry, Map<String, StoreFamily> families) {
        try {
            ParkedMessage record = ParkedMessage.parseFrom(entry.value());
            StoreFamily family = families.get(record.getMarkFamily());
            if (family == null) {
                throw new StoreException("parked message marked in an unknown family " + record.getMarkFamily());
            }
            QueueId id = QueueId.fromBytes(entry.key(), 0);
            return new Parked(id, EnvelopeRecords.fromRecord(record.getEnvelope()), spool.parkedContent(id, record),
                    family, record.getMarkKey().toByteArray());
        } catch (InvalidProtocolBufferException e) {
            throw new StoreException("unreadable parked message", e);
        }
    }
}
