package dev.postillion.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.postillion.core.Envelope;
import dev.postillion.core.MutableClock;
import dev.postillion.core.QueueIdGenerator;
import dev.postillion.core.Store;
import dev.postillion.core.Store.Durability;
import dev.postillion.core.StoreBatch;
import dev.postillion.core.StoreException;
import dev.postillion.core.StoreFamily;
import dev.postillion.core.TestPostgres;
import dev.postillion.core.TestStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mailbox's forwards enter the node's spool exactly when its delivery lands in the shared store,
 * here a real PostgreSQL as in a cluster, where no batch spans the two.
 */
class ParkedMessagesTest {

    /** Stands for the mailbox's delivery records: the write that decides. */
    private static final StoreFamily DELIVERIES = new StoreFamily("deliveries", false, StoreFamily.Placement.SHARED);
    private static final Envelope FORWARD = TestEnvelopes.from("srs0=x@example.com", "elsewhere@example.net");
    private static final ActorTestKit testKit = ActorTestKit.create();

    @TempDir Path directory;
    private Store local;
    private Store shared;
    private FailingSpoolStore spoolStore;
    private TestProbe<QueueManager.Command> queueManager;
    private Spool spool;

    @BeforeEach
    void open() {
        local = TestStores.open(directory, SpoolFamilies.ALL);
        shared = TestStores.open(TestPostgres.newDatabase(), List.of(DELIVERIES));
        spoolStore = new FailingSpoolStore(local);
        queueManager = testKit.createTestProbe(QueueManager.Command.class);
        spool = newSpool();
    }

    /** The node's spool as a start makes it: a new incarnation over the same stores. */
    private Spool newSpool() {
        return new Spool(spoolStore, new QueueIdGenerator(new MutableClock(Instant.parse("2026-12-07T10:00:00Z"))),
                CompletableFuture.completedFuture(queueManager.getRef()));
    }

    @AfterEach
    void close() {
        shared.close();
        local.close();
    }

    @AfterAll
    static void stopTestKit() {
        testKit.shutdownTestKit();
    }

    @Test
    void theForwardEntersTheQueueWhenTheDeliveryLands() {
        spool.spoolWith(List.of(forwardMarkedBy("delivery-1")), () -> deliver("delivery-1"))
                .toCompletableFuture().join();
        QueueManager.Enqueue enqueued = queueManager.expectMessageClass(QueueManager.Enqueue.class);
        assertEquals(FORWARD.recipients(), enqueued.envelope().recipients());
        assertArrayEquals(TestEnvelopes.CONTENT, spoolStore.content(enqueued.id()).toCompletableFuture().join());
        assertEquals(List.of(), parked());
    }

    @Test
    void aDeliveryThatFailsTakesItsForwardWithIt() {
        StoreException full = new StoreException("write failed: No space left on device");
        CompletionException failed = assertThrows(CompletionException.class, () -> spool.spoolWith(
                List.of(forwardMarkedBy("delivery-1")), () -> CompletableFuture.failedFuture(full))
                .toCompletableFuture().join());
        assertSame(full, failed.getCause());
        assertEquals(List.of(), queued());
        assertEquals(List.of(), parked());
    }

    @Test
    void aForwardThatCannotBeParkedNeverLetsTheDeliveryBeWritten() {
        spoolStore.failCommits(true);
        AtomicBoolean written = new AtomicBoolean();
        assertThrows(CompletionException.class, () -> spool.spoolWith(List.of(forwardMarkedBy("delivery-1")), () -> {
            written.set(true);
            return deliver("delivery-1");
        }).toCompletableFuture().join());
        assertFalse(written.get(), "the delivery was stored without its forward");
    }

    /**
     * A node that dies between the delivery's write and the forward's release: the next start
     * releases the forwards whose delivery landed and drops the others, which the delivery's retry
     * writes again.
     */
    @Test
    void aStartAfterACrashReleasesTheForwardsOfDeliveriesThatLandedOnly() {
        CompletableFuture<Void> neverAnswered = new CompletableFuture<>();
        spool.spoolWith(List.of(forwardMarkedBy("landed")), () -> {
            deliver("landed").toCompletableFuture().join();
            return neverAnswered; // the node died before the store answered
        });
        spool.spoolWith(List.of(forwardMarkedBy("lost")), () -> neverAnswered); // died before the write
        awaitParked(2);

        int released = newSpool().settleParked(shared, Stream.concat(SpoolFamilies.ALL.stream(), Stream.of(DELIVERIES))
                .toList()).toCompletableFuture().join();

        assertEquals(1, released);
        QueueManager.Enqueue enqueued = queueManager.expectMessageClass(QueueManager.Enqueue.class);
        assertEquals(List.of(enqueued.id()), queued());
        assertArrayEquals(TestEnvelopes.CONTENT, spoolStore.content(enqueued.id()).toCompletableFuture().join());
        assertEquals(List.of(), parked());
        assertNull(neverAnswered.getNow(null));
    }

    private Spool.Outgoing forwardMarkedBy(String delivery) {
        return new Spool.Outgoing(FORWARD, TestEnvelopes.CONTENT, DELIVERIES, delivery.getBytes(StandardCharsets.UTF_8));
    }

    private CompletableFuture<Void> deliver(String delivery) {
        return shared.commit(new StoreBatch().put(DELIVERIES, delivery.getBytes(StandardCharsets.UTF_8), new byte[1]),
                Durability.BUFFERED).toCompletableFuture();
    }

    private List<dev.postillion.core.QueueId> queued() {
        return spoolStore.messages(null, 100).toCompletableFuture().join().stream()
                .map(SpoolStore.QueuedMessage::id).toList();
    }

    private List<Store.KeyValue> parked() {
        return local.range(SpoolFamilies.PARKED, new byte[0], SpoolStore.afterEveryId(), 100).toCompletableFuture().join();
    }

    private void awaitParked(int count) {
        org.awaitility.Awaitility.await().until(() -> parked().size() == count);
    }
}
