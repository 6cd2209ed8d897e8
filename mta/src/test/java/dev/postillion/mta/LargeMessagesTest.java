package dev.postillion.mta;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many clients sending large messages at once to a node with a small heap (issue 12, defect 15):
 * every message is accepted and stored byte for byte, the node runs out of no memory and still
 * takes mail afterwards. By default 50 sessions of 8 MiB against -Xmx256m; with
 * {@code -Dpostillion.test.large-messages=full}, the issue's own target: 50 sessions of 30 MiB
 * against -Xmx512m. Also one such message to so many mailboxes that their copies together would
 * not fit the heap.
 */
@Tag("process")
class LargeMessagesTest {

    private static final boolean FULL = "full".equals(System.getProperty("postillion.test.large-messages"));
    private static final int SESSIONS = 50;
    private static final int MESSAGE_BYTES = (FULL ? 30 : 8) << 20;
    private static final String MAILBOX = "anna@example.test";
    /** Mailboxes one message goes to: their copies together are more than the heap. */
    private static final int MAILBOXES = 40;
    /** Base64's alphabet: the body looks like an encoded attachment. */
    private static final byte[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(StandardCharsets.US_ASCII);
    private static final int LINE = 76;
    /** Lines written at a time: about 64 KiB. */
    private static final int BLOCK_LINES = 840;

    /** A message as sent: its length and the digest of its content. */
    private record Sent(int length, String digest) {}

    @TempDir Path workDir;
    @RegisterExtension final ChildNode node = new ChildNode(FULL ? "-Xmx512m" : "-Xmx256m",
            "-Dpostillion.smtp.max-message-size=35MiB");

    @Test void manyLargeMessagesAtOnceAreAllAcceptedAndStoredWhole() throws Exception {
        node.start(workDir);
        node.createMailbox(MAILBOX);

        Map<String, Sent> sent = sendAtOnce();

        await("every message delivered").atMost(Duration.ofMinutes(3))
                .until(() -> node.messages(MAILBOX).size() == SESSIONS);
        Map<String, Sent> stored = new HashMap<>();
        for (JsonNode message : node.messages(MAILBOX)) {
            String messageId = message.get("messageId").asText();
            byte[] raw = node.rawMessage(MAILBOX, message.get("uid").asLong());
            int length = sent.get(messageId).length();
            stored.put(messageId, new Sent(length, digestOfTail(raw, length)));
        }
        assertEquals(sent, stored, "stored messages differ from those sent");
        assertFalse(node.output().contains("OutOfMemoryError"), "the node ran out of memory");
        try (SmtpClient smtp = new SmtpClient(node.smtpPort())) {
            assertTrue(smtp.reply().startsWith("220 "), "the node no longer greets");
        }
    }

    @Test void aLargeMessageToManyMailboxesIsStoredInEachWithoutFillingTheHeap() throws Exception {
        node.start(workDir);
        List<String> mailboxes = new ArrayList<>();
        for (int i = 0; i < MAILBOXES; i++) {
            mailboxes.add("m" + i + "@d" + i + ".test");
            node.createMailbox(mailboxes.get(i));
        }

        Sent sent = send(0, mailboxes).getValue();

        for (String mailbox : mailboxes) {
            await("delivered to " + mailbox).atMost(Duration.ofMinutes(2))
                    .until(() -> node.messages(mailbox).size() == 1);
            byte[] raw = node.rawMessage(mailbox, node.messages(mailbox).get(0).get("uid").asLong());
            assertEquals(sent, new Sent(sent.length(), digestOfTail(raw, sent.length())), mailbox);
        }
        assertFalse(node.output().contains("OutOfMemoryError"), "the node ran out of memory");
    }

    /** Sends one message per session, all sessions at once; returns each message's digest by Message-ID. */
    private Map<String, Sent> sendAtOnce() throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(SESSIONS);
        try {
            List<Future<Map.Entry<String, Sent>>> sending = new ArrayList<>();
            for (int session = 0; session < SESSIONS; session++) {
                int number = session;
                sending.add(senders.submit(() -> send(number, List.of(MAILBOX))));
            }
            Map<String, Sent> sent = new HashMap<>();
            for (Future<Map.Entry<String, Sent>> one : sending) {
                Map.Entry<String, Sent> message = one.get(5, TimeUnit.MINUTES);
                sent.put(message.getKey(), message.getValue());
            }
            return sent;
        } finally {
            senders.shutdownNow();
        }
    }

    /** One session's message, generated as it is written: MESSAGE_BYTES long, give or take a line. */
    private Map.Entry<String, Sent> send(int session, List<String> recipients)
            throws IOException, NoSuchAlgorithmException {
        String messageId = "<large." + session + "@sender.test>";
        try (SmtpClient smtp = new SmtpClient(node.smtpPort())) {
            // Waiting for its turn to be read is no error: the reply comes once the content is in.
            smtp.replyTimeout(Duration.ofMinutes(3));
            expect("220 ", smtp.reply());
            expect("250", smtp.command("EHLO sender" + session + ".test"));
            expect("250 ", smtp.command("MAIL FROM:<bob@sender.test>"));
            for (String recipient : recipients) {
                expect("250 ", smtp.command("RCPT TO:<" + recipient + ">"));
            }
            expect("354 ", smtp.command("DATA"));
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] header = ("Message-ID: " + messageId + "\r\nSubject: large " + session
                    + "\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            smtp.send(header);
            digest.update(header);
            Random random = new Random(session);
            int lines = MESSAGE_BYTES / (LINE + 2);
            for (int sent = 0; sent < lines; sent += BLOCK_LINES) {
                byte[] block = lines(Math.min(BLOCK_LINES, lines - sent), random);
                smtp.send(block);
                digest.update(block);
            }
            expect("250 2.0.0 Ok: queued as ", smtp.command("."));
            return Map.entry(messageId, new Sent(header.length + lines * (LINE + 2),
                    HexFormat.of().formatHex(digest.digest())));
        }
    }

    /** Lines of base64 characters, each ending in CRLF. */
    private static byte[] lines(int count, Random random) {
        byte[] block = new byte[count * (LINE + 2)];
        for (int i = 0; i < block.length; i++) {
            block[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        for (int end = LINE + 1; end < block.length; end += LINE + 2) {
            block[end - 1] = '\r';
            block[end] = '\n';
        }
        return block;
    }

    /** The digest of what was sent: the stored message is it, after our trace and delivery fields. */
    private static String digestOfTail(byte[] stored, int length) throws NoSuchAlgorithmException {
        assertTrue(stored.length >= length, "stored message shorter than the one sent");
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(stored, stored.length - length, length);
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void expect(String start, String reply) {
        assertTrue(reply != null && reply.startsWith(start), "expected " + start + "... but got " + reply);
    }
}
