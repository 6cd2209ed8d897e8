package dev.postillion.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.core.Envelope;
import dev.postillion.core.QueueId;
import dev.postillion.core.Store;
import dev.postillion.core.Store.Durability;
import dev.postillion.core.StoreBatch;
import dev.postillion.core.StoreException;
import dev.postillion.core.TestStores;
import dev.postillion.queue.proto.MessageState;
import dev.postillion.queue.proto.RecipientState;
import dev.postillion.queue.SpoolStore.Due;
import dev.postillion.queue.SpoolStore.QueuedMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolStoreTest {

    private static final QueueId ID = new QueueId(1_000, 7);
    private static final Envelope ENVELOPE = TestEnvelopes.from("sender@example.org",
            "anna@example.com", "bob@example.com", "carl@example.net");
    private static final long ARRIVAL = ENVELOPE.arrival().toEpochMilli();

    @TempDir Path directory;
    private Store store;
    private SpoolStore spool;

    @BeforeEach
    void open() {
        store = TestStores.open(directory, SpoolFamilies.ALL);
        spool = new SpoolStore(store, TestStores.SPOOL_KEY);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void acceptedMessageHasEveryRecipientPendingAndIsDueAtArrival() {
        accept(ID);
        QueuedMessage message = spool.message(ID).toCompletableFuture().join();
        assertEquals(ENVELOPE, message.envelope());
        assertEquals(List.of(0, 1, 2), message.pending());
        assertEquals(ARRIVAL, message.due());
        assertEquals(List.of(new Due(ARRIVAL, ID)), spool.due(null, true, ARRIVAL, 10).toCompletableFuture().join());
        assertArrayEquals(TestEnvelopes.CONTENT, spool.content(ID).toCompletableFuture().join());
    }

    @Test
    void acceptIsDurableAcrossRestart() {
        accept(ID);
        store.close();
        store = TestStores.open(directory, SpoolFamilies.ALL);
        spool = new SpoolStore(store, TestStores.SPOOL_KEY);
        assertEquals(List.of(0, 1, 2), spool.message(ID).toCompletableFuture().join().pending());
        assertEquals(List.of(new Due(ARRIVAL, ID)), spool.due(null, true, ARRIVAL, 10).toCompletableFuture().join());
    }

    @Test
    void finalRecipientsAreNoLongerPendingAndKeepTheirOutcome() {
        accept(ID);
        commit(spool.change()
                .recipient(ID, 0, state(RecipientState.Status.DELIVERED, "250 ok"))
                .recipient(ID, 2, state(RecipientState.Status.FAILED, "550 unknown")));
        QueuedMessage message = spool.message(ID).toCompletableFuture().join();
        assertEquals(List.of(1), message.pending());
        assertEquals("550 unknown", message.recipient(2).getLastReply());
    }

    @Test
    void rescheduledMessageIsDueOnlyAtItsNewTime() {
        accept(ID);
        long later = ARRIVAL + 300_000;
        commit(spool.change().unschedule(ID, ARRIVAL).schedule(ID, later)
                .state(spool.message(ID).toCompletableFuture().join(), MessageState.newBuilder().setDueEpochMillis(later).setAttempts(1).build()));
        assertTrue(spool.due(null, true, later - 1, 10).toCompletableFuture().join().isEmpty());
        assertEquals(new Due(later, ID), spool.firstDueAfter(ARRIVAL).toCompletableFuture().join());
        assertEquals(List.of(new Due(later, ID)), spool.due(null, true, later, 10).toCompletableFuture().join());
        assertEquals(later, spool.message(ID).toCompletableFuture().join().due());
    }

    @Test
    void scheduleIsReadInDueOrderFromAPosition() {
        QueueId a = new QueueId(3, 1);
        QueueId b = new QueueId(1, 1);
        QueueId c = new QueueId(2, 1);
        accept(a);
        accept(b);
        accept(c);
        commit(spool.change().unschedule(a, ARRIVAL).schedule(a, ARRIVAL - 10));
        List<Due> all = spool.due(null, true, ARRIVAL, 10).toCompletableFuture().join();
        assertEquals(List.of(a, b, c), all.stream().map(Due::id).toList());
        assertEquals(List.of(c), spool.due(all.get(1), false, ARRIVAL, 10).toCompletableFuture().join().stream().map(Due::id).toList());
        assertEquals(List.of(b, c), spool.due(all.get(1), true, ARRIVAL, 10).toCompletableFuture().join().stream().map(Due::id).toList());
        assertEquals(List.of(a, b), spool.due(null, true, ARRIVAL, 2).toCompletableFuture().join().stream().map(Due::id).toList());
    }

    @Test
    void removingTheMessageRemovesEveryRecordAndLeavesTheOthers() {
        QueueId other = new QueueId(1_001, 7);
        accept(ID);
        accept(other);
        commit(spool.change().remove(spool.message(ID).toCompletableFuture().join()));
        assertNull(spool.message(ID).toCompletableFuture().join());
        assertNull(spool.content(ID).toCompletableFuture().join());
        assertEquals(List.of(new Due(ARRIVAL, other)), spool.due(null, true, ARRIVAL, 10).toCompletableFuture().join());
        assertArrayEquals(TestEnvelopes.CONTENT, spool.content(other).toCompletableFuture().join());
    }

    @Test
    void aMessageWrittenInPiecesIsItsHeadThenItsPiecesAndIsRemovedWithThem() {
        byte[] body = new byte[2 * SpoolStore.PIECE_BYTES + 1000];
        new Random(5).nextBytes(body);
        byte[] head = "Received: from client\r\n".getBytes(StandardCharsets.US_ASCII);
        join(spool.writePiece(ID, 0, Arrays.copyOfRange(body, 0, SpoolStore.PIECE_BYTES)));
        join(spool.writePiece(ID, 1, Arrays.copyOfRange(body, SpoolStore.PIECE_BYTES, 2 * SpoolStore.PIECE_BYTES)));
        join(spool.accept(ID, ENVELOPE, head, body, 2));

        byte[] whole = new byte[head.length + body.length];
        System.arraycopy(head, 0, whole, 0, head.length);
        System.arraycopy(body, 0, whole, head.length, body.length);
        assertArrayEquals(whole, spool.content(ID).toCompletableFuture().join());
        assertEquals(3, spool.message(ID).toCompletableFuture().join().contentPieces());

        commit(spool.change().remove(spool.message(ID).toCompletableFuture().join()));
        assertEquals(List.of(), pieceKeys());
    }

    /** SPEC section 7: content is sealed where it is stored, and a sealed value does not open under another key. */
    @Test
    void contentAndPiecesAreSealedAtRest() {
        accept(ID);
        byte[] piece = "Meet at noon, the word is 5c1f0e.".getBytes(StandardCharsets.US_ASCII);
        QueueId arriving = new QueueId(1_000, 8);
        join(spool.writePiece(arriving, 0, piece));
        byte[] storedContent = join(store.read(SpoolFamilies.MESSAGES, ID.bytes())).orElseThrow();
        byte[] storedPiece = join(store.read(SpoolFamilies.CONTENT_PIECES, pieceKeys().get(0))).orElseThrow();
        assertFalse(contains(storedContent, TestEnvelopes.CONTENT));
        assertFalse(new String(storedPiece, StandardCharsets.ISO_8859_1).contains("the word is"));
        assertArrayEquals(piece, join(spool.piece(arriving, 0)).orElseThrow());

        // The message's sealed content put in the piece's place: its associated data is not the piece's.
        join(store.commit(new StoreBatch().put(SpoolFamilies.CONTENT_PIECES, pieceKeys().get(0), storedContent),
                Durability.SYNC));
        assertInstanceOf(StoreException.class, assertThrows(CompletionException.class,
                () -> join(spool.piece(arriving, 0))).getCause());
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        return new String(haystack, StandardCharsets.ISO_8859_1).contains(new String(needle, StandardCharsets.ISO_8859_1));
    }

    @Test
    void aMessageMissingAPieceIsNeverReadAsIfWhole() {
        byte[] piece = new byte[SpoolStore.PIECE_BYTES];
        join(spool.writePiece(ID, 0, piece));
        join(spool.writePiece(ID, 1, piece));
        join(spool.accept(ID, ENVELOPE, new byte[0], Arrays.copyOf(piece, 2 * piece.length + 10), 2));
        store.commit(new StoreBatch().delete(SpoolFamilies.CONTENT_PIECES, pieceKeys().get(1)), Durability.SYNC)
                .toCompletableFuture().join();

        CompletionException incomplete = assertThrows(CompletionException.class,
                () -> spool.content(ID).toCompletableFuture().join());
        assertEquals("content of " + ID + " is incomplete: 2 of 3 pieces", incomplete.getCause().getMessage());
    }

    @Test
    void theSweepDeletesThePiecesOfMessagesNeverCommittedOnly() {
        byte[] piece = new byte[SpoolStore.PIECE_BYTES];
        join(spool.writePiece(ID, 0, piece));
        join(spool.accept(ID, ENVELOPE, new byte[0], Arrays.copyOf(piece, piece.length + 10), 1));
        QueueId abandoned = new QueueId(2_000, 7);
        join(spool.writePiece(abandoned, 0, piece));
        join(spool.writePiece(abandoned, 1, piece));

        assertEquals(2, spool.discardOrphanPieces().toCompletableFuture().join());
        assertEquals(2, pieceKeys().size());
        assertEquals(piece.length + 10, spool.content(ID).toCompletableFuture().join().length);
    }

    @Test
    void discardingPiecesDeletesThem() {
        join(spool.writePiece(ID, 0, new byte[10]));
        join(spool.writePiece(ID, 1, new byte[10]));
        join(spool.discardPieces(ID, 2));
        assertEquals(List.of(), pieceKeys());
    }

    private List<byte[]> pieceKeys() {
        byte[] end = new byte[32];
        Arrays.fill(end, (byte) 0xFF);
        return store.keys(SpoolFamilies.CONTENT_PIECES, new byte[0], end, 1000).toCompletableFuture().join();
    }

    @Test
    void messagesArePagedInQueueIdOrder() {
        CompletableFuture<?>[] accepts = new CompletableFuture<?>[600];
        for (int i = 0; i < accepts.length; i++) {
            accepts[i] = spool.accept(new QueueId(i, 1), ENVELOPE, TestEnvelopes.CONTENT).toCompletableFuture();
        }
        CompletableFuture.allOf(accepts).join();
        List<QueuedMessage> first = spool.messages(null, 500).toCompletableFuture().join();
        assertEquals(500, first.size());
        List<QueuedMessage> rest = spool.messages(first.get(499).id(), 500).toCompletableFuture().join();
        assertEquals(100, rest.size());
        assertEquals(new QueueId(500, 1), rest.get(0).id());
        assertEquals(new QueueId(599, 1), rest.get(99).id());
    }

    private static RecipientState state(RecipientState.Status status, String reply) {
        return RecipientState.newBuilder().setStatus(status).setAttempts(1).setLastReply(reply).build();
    }

    private void accept(QueueId id) {
        join(spool.accept(id, ENVELOPE, TestEnvelopes.CONTENT));
    }

    private void commit(SpoolStore.Change change) {
        join(spool.commit(change, Durability.SYNC));
    }

    private static <T> T join(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }
}
