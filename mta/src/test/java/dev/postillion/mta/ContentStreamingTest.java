package dev.postillion.mta;

import dev.postillion.queue.SpoolFamilies;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.postillion.core.QueueId;
import dev.postillion.core.Store;
import dev.postillion.core.StoreBatch;
import dev.postillion.core.TestStores;
import dev.postillion.core.Store.Durability;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large message goes to the spool in pieces while it arrives (issue 12, "Memory bounded per
 * session"): the pieces are in the store before the final dot, the message is delivered byte for
 * byte from them, and no way of giving the message up leaves a piece behind — a refusal, a client
 * that leaves, a crash (swept at the next start). And since a message that arrives holds one
 * piece of the heap at a time, a slow client no longer keeps other clients' messages waiting.
 */
class ContentStreamingTest {

    private static final String MAILBOX = "anna@stream.example";
    private static final String QUEUED = "250 2.0.0 Ok: queued as ";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir Path dataDir;
    private TestNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void aLargeMessageIsInTheSpoolBeforeItsEndAndIsDeliveredWhole() throws Exception {
        start(Map.of());
        byte[] body = body(1 << 20);
        try (SmtpClient client = transaction()) {
            client.send(headers("whole") + new String(body, StandardCharsets.US_ASCII));
            await("pieces written during DATA").atMost(DEADLINE).until(() -> pieces().size() >= 3);
            String reply = client.command(".");
            assertTrue(reply.startsWith(QUEUED), reply);
        }
        await("delivered").atMost(DEADLINE).until(() -> messages().size() == 1);
        byte[] stored = node.getBytes("/api/v1/mailboxes/" + MAILBOX + "/messages/"
                + messages().get(0).get("uid").asLong() + "/raw").body();
        byte[] sent = (headers("whole") + new String(body, StandardCharsets.US_ASCII))
                .getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(sent, Arrays.copyOfRange(stored, stored.length - sent.length, stored.length),
                "the stored message ends otherwise than the one sent");
        await("the spool let go of the delivered message's pieces").atMost(DEADLINE).until(() -> pieces().isEmpty());
    }

    @Test
    void aClientThatLeavesDuringDataLeavesNoPiecesBehind() throws Exception {
        start(Map.of());
        try (SmtpClient client = transaction()) {
            client.send(headers("left") + new String(body(1 << 20), StandardCharsets.US_ASCII));
            await("pieces written").atMost(DEADLINE).until(() -> !pieces().isEmpty());
        }
        await("pieces deleted").atMost(DEADLINE).until(() -> pieces().isEmpty());
    }

    @Test
    void aMessageRefusedAfterItsContentLeavesNoPiecesBehind() throws Exception {
        start(Map.of());
        try (SmtpClient client = transaction()) {
            String attachment = "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n"
                    + headers("refused") + "--b\r\n"
                    + "Content-Type: application/octet-stream\r\n"
                    + "Content-Disposition: attachment; filename=\"setup.exe\"\r\n\r\n";
            client.send(attachment
                    + new String(body(1 << 20), StandardCharsets.US_ASCII) + "--b--\r\n");
            await("pieces written").atMost(DEADLINE).until(() -> !pieces().isEmpty());
            assertEquals("554 5.7.0 Message is rejected by headers rule filter", client.command("."));
        }
        await("pieces deleted").atMost(DEADLINE).until(() -> pieces().isEmpty());
        assertTrue(messages().isEmpty());
    }

    @Test
    void aLargeMessageWithLineEndingsRefusedLeavesNoPiecesBehind() throws Exception {
        start(Map.of());
        try (SmtpClient client = transaction()) {
            client.send(headers("bare LF") + new String(body(1 << 20), StandardCharsets.US_ASCII) + "a\nb\r\n");
            await("pieces written").atMost(DEADLINE).until(() -> !pieces().isEmpty());
            assertEquals("554 5.6.0 Error: message contains a bare CR, a bare LF or a NUL; lines must end with CRLF"
                    + " (RFC 5321 section 2.3.8)", client.command("."));
        }
        await("pieces deleted").atMost(DEADLINE).until(() -> pieces().isEmpty());
    }

    @Test
    void aForgedAuthenticationResultsFieldIsRemovedFromALargeMessage() throws Exception {
        start(Map.of());
        String forged = "Authentication-Results: " + TestNode.HOSTNAME + "; dkim=pass header.d=bank.example\r\n";
        try (SmtpClient client = transaction()) {
            client.send(forged + headers("forged") + new String(body(1 << 20), StandardCharsets.US_ASCII));
            await("pieces written").atMost(DEADLINE).until(() -> !pieces().isEmpty());
            String reply = client.command(".");
            assertTrue(reply.startsWith(QUEUED), reply);
        }
        await("delivered").atMost(DEADLINE).until(() -> messages().size() == 1);
        String stored = new String(node.getBytes("/api/v1/mailboxes/" + MAILBOX + "/messages/"
                + messages().get(0).get("uid").asLong() + "/raw").body(), StandardCharsets.US_ASCII);
        assertFalse(stored.contains("bank.example"), "the forged field was kept");
        assertTrue(stored.contains(headers("forged")), "the rest of the header section was not kept");
        await("pieces deleted").atMost(DEADLINE).until(() -> pieces().isEmpty());
    }

    /**
     * Before content went to the spool while it arrived, the first client's message held more
     * than the whole content memory until its end, and the second client waited for it.
     */
    @Test
    void aSlowClientDoesNotKeepAnotherClientsMessageWaiting() throws Exception {
        start(Map.of("postillion.smtp.content-memory", "4MiB"));
        try (SmtpClient slow = transaction(); SmtpClient other = transaction()) {
            slow.send(headers("slow") + new String(body(6 << 20), StandardCharsets.US_ASCII));
            await("the slow client's pieces written").atMost(DEADLINE).until(() -> pieces().size() >= 20);
            other.replyTimeout(DEADLINE);
            other.send(headers("other") + new String(body(3 << 20), StandardCharsets.US_ASCII));
            String reply = other.command(".");
            assertTrue(reply.startsWith(QUEUED), reply);
            reply = slow.command(".");
            assertTrue(reply.startsWith(QUEUED), reply);
        }
        await("both delivered").atMost(DEADLINE).until(() -> messages().size() == 2);
    }

    @Test
    void piecesOfAMessageNeverCommittedAreDeletedAtTheNextStart() throws Exception {
        QueueId orphan = new QueueId(42, 7);
        try (Store store = TestStores.open(dataDir.resolve("store"), Node.storeFamilies())) {
            store.commit(new StoreBatch().put(SpoolFamilies.CONTENT_PIECES,
                    ByteBuffer.allocate(16).put(orphan.bytes()).putInt(0).array(), new byte[100]), Durability.SYNC)
                    .toCompletableFuture().join();
        }
        start(Map.of());
        assertTrue(pieces().isEmpty(), "a piece of a message never committed survived the start");
    }

    private void start(Map<String, ?> settings) {
        Map<String, Object> all = new java.util.HashMap<>(settings);
        all.put("postillion.greylist.enabled", false);
        node = TestNode.start(dataDir, all, Clock.systemUTC());
        node.createMailbox(MAILBOX);
    }

    private List<byte[]> pieces() {
        byte[] end = new byte[QueueId.BYTES + Integer.BYTES + 1];
        Arrays.fill(end, (byte) 0xFF);
        return node.node().stores().local().keys(SpoolFamilies.CONTENT_PIECES, new byte[0], end, Integer.MAX_VALUE)
                .toCompletableFuture().join();
    }

    private List<JsonNode> messages() throws IOException {
        JsonNode list = JSON.readTree(node.get("/api/v1/mailboxes/" + MAILBOX + "/messages").body());
        List<JsonNode> messages = new java.util.ArrayList<>();
        list.forEach(messages::add);
        return messages;
    }

    private SmtpClient transaction() throws IOException {
        SmtpClient client = new SmtpClient(node.smtpPort());
        assertEquals("220 ", client.reply().substring(0, 4));
        assertTrue(client.command("EHLO client.test").startsWith("250"));
        assertTrue(client.command("MAIL FROM:<bob@sender.example>").startsWith("250 "));
        assertTrue(client.command("RCPT TO:<" + MAILBOX + ">").startsWith("250 "));
        assertTrue(client.command("DATA").startsWith("354 "));
        return client;
    }

    private static String headers(String subject) {
        return "From: bob@sender.example\r\nTo: " + MAILBOX + "\r\nSubject: " + subject + "\r\n"
                + "Message-ID: <" + subject.replace(' ', '-') + "@sender.example>\r\n\r\n";
    }

    /** {@code size} octets of 76-character lines, each different, none starting with a dot. */
    private static byte[] body(int size) {
        StringBuilder body = new StringBuilder(size + 100);
        for (int line = 0; body.length() < size; line++) {
            String number = String.format("%08d", line);
            body.append(number).append("x".repeat(68)).append("\r\n");
        }
        return body.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
