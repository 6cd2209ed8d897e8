package dev.postillion.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.core.Envelope;
import dev.postillion.core.QueueId;
import dev.postillion.core.Store;
import dev.postillion.core.TestStores;
import dev.postillion.core.proto.RecipientState;
import dev.postillion.queue.SpoolStore.UnfinishedMessage;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolStoreTest {

    private static final QueueId ID = new QueueId(1_000, 7);
    private static final Envelope ENVELOPE = TestEnvelopes.from("sender@example.org",
            "anna@example.com", "bob@example.com", "carl@example.net");

    @TempDir Path directory;
    private Store store;
    private SpoolStore spool;

    @BeforeEach
    void open() {
        store = TestStores.open(directory);
        spool = new SpoolStore(store);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void acceptedMessageIsUnfinishedWithEveryRecipientPending() {
        accept(ID);
        assertEquals(List.of(new UnfinishedMessage(ID, ENVELOPE, List.of(0, 1, 2))), spool.unfinished());
        assertArrayEquals(TestEnvelopes.CONTENT, spool.content(ID));
    }

    @Test
    void acceptIsDurableAcrossRestart() {
        accept(ID);
        store.close();
        store = TestStores.open(directory);
        spool = new SpoolStore(store);
        assertEquals(List.of(new UnfinishedMessage(ID, ENVELOPE, List.of(0, 1, 2))), spool.unfinished());
    }

    @Test
    void finishedRecipientsAreNoLongerPending() {
        accept(ID);
        join(spool.finish(ID, List.of(0, 2), false));
        assertEquals(List.of(1), spool.unfinished().get(0).pendingRecipients());
        assertArrayEquals(TestEnvelopes.CONTENT, spool.content(ID));
    }

    @Test
    void finishingTheMessageRemovesEverything() {
        accept(ID);
        join(spool.finish(ID, List.of(1), true));
        assertTrue(spool.unfinished().isEmpty());
        assertNull(spool.content(ID));
    }

    @Test
    void deferredRecipientStaysPendingWithItsState() {
        accept(ID);
        RecipientState state = RecipientState.newBuilder().setStatus(RecipientState.Status.PENDING)
                .setAttempts(3).setLastReply("451 try later").setNextAttemptEpochMillis(42).build();
        join(spool.defer(ID, 1, state));
        assertEquals(List.of(0, 1, 2), spool.unfinished().get(0).pendingRecipients());
    }

    @Test
    void messagesAreFoundInQueueIdOrderAndKeptApart() {
        QueueId later = new QueueId(2_000, 1);
        QueueId earlier = new QueueId(1_000, 9);
        accept(later);
        accept(earlier);
        join(spool.finish(earlier, List.of(0), false));
        List<UnfinishedMessage> unfinished = spool.unfinished();
        assertEquals(List.of(earlier, later), unfinished.stream().map(UnfinishedMessage::id).toList());
        assertEquals(List.of(1, 2), unfinished.get(0).pendingRecipients());
        assertEquals(List.of(0, 1, 2), unfinished.get(1).pendingRecipients());
    }

    @Test
    void finishingOneMessageLeavesTheOthers() {
        QueueId other = new QueueId(1_001, 7);
        accept(ID);
        accept(other);
        join(spool.finish(ID, List.of(), true));
        assertEquals(Set.of(other), Set.copyOf(spool.unfinished().stream().map(UnfinishedMessage::id).toList()));
        assertArrayEquals(TestEnvelopes.CONTENT, spool.content(other));
    }

    @Test
    void unfinishedReadsPastOneScanPage() {
        CompletableFuture<?>[] accepts = new CompletableFuture<?>[2_500];
        for (int i = 0; i < accepts.length; i++) {
            accepts[i] = spool.accept(new QueueId(i, 1), ENVELOPE, TestEnvelopes.CONTENT).toCompletableFuture();
        }
        CompletableFuture.allOf(accepts).join();
        List<UnfinishedMessage> unfinished = spool.unfinished();
        assertEquals(accepts.length, unfinished.size());
        assertEquals(new QueueId(accepts.length - 1, 1), unfinished.get(accepts.length - 1).id());
    }

    private void accept(QueueId id) {
        join(spool.accept(id, ENVELOPE, TestEnvelopes.CONTENT));
    }

    private static void join(CompletionStage<Void> stage) {
        stage.toCompletableFuture().join();
    }
}
