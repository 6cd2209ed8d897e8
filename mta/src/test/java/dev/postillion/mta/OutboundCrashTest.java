package dev.postillion.mta;

import static dev.postillion.mta.SmtpProtocolTest.send;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.queue.testing.FakeMx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash during outbound delivery: a node in a JVM of its own relays to a remote server in this
 * JVM and is killed with SIGKILL while the server holds its replies to the end of DATA, with more
 * messages waiting their turn. After a restart every acknowledged message reaches the server; a
 * message settled before the crash comes once, and one the server took while the node died, its
 * settlement lost, comes once more (at-least-once), never a third time.
 */
@Tag("process")
class OutboundCrashTest {

    /** Relayed and settled before the crash. */
    private static final int SETTLED = 10;
    /** Sent while the server holds its replies: some under way at the crash, the others waiting. */
    private static final int UNSETTLED = 10;
    /** Transactions to the relay at once: held ones at the crash. */
    private static final int WINDOW = 2;
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Pattern MESSAGE_ID = Pattern.compile("\r\nMessage-ID: (<[^>]+>)\r\n");

    @TempDir static Path configDir;
    static FakeMx mx;

    @TempDir Path workDir;
    @RegisterExtension final ChildNode node = new ChildNode("-Dconfig.file=" + configDir.resolve("node.conf"));

    @BeforeAll
    static void startRemoteServer() throws IOException {
        mx = FakeMx.start();
        Files.writeString(configDir.resolve("node.conf"), """
                postillion.delivery.relay-host = "[127.0.0.1]:%d"
                postillion.smtp.relay-networks = ["127.0.0.0/8"]
                postillion.delivery.destination.initial-destination-concurrency = %d
                postillion.delivery.destination.destination-concurrency-limit = %d
                """.formatted(mx.port(), WINDOW, WINDOW));
    }

    @AfterAll
    static void stopRemoteServer() {
        mx.close();
    }

    @Test
    void everyAcknowledgedMessageArrivesAndNoneMoreThanTwice() throws Exception {
        node.start(workDir);
        List<String> settled = sendMessages(0, SETTLED);
        awaitQueueEmpty();

        mx.holdEndOfData();
        List<String> unsettled = sendMessages(SETTLED, SETTLED + UNSETTLED);
        await("deliveries under way").atMost(DEADLINE).until(() -> mx.heldAtEndOfData() == WINDOW);
        node.kill();
        mx.releaseEndOfData(); // the server takes the held messages, whose settlement died with the node

        node.restart();
        List<String> acknowledged = new ArrayList<>(settled);
        acknowledged.addAll(unsettled);
        await("every acknowledged message at the server").atMost(DEADLINE)
                .until(() -> received().keySet().containsAll(acknowledged));
        awaitQueueEmpty();

        Map<String, Long> copies = received();
        assertEquals(acknowledged.size(), copies.size(), "messages the server got: " + copies.keySet());
        settled.forEach(id -> assertEquals(1L, copies.get(id), id + " was settled before the crash"));
        unsettled.forEach(id -> assertTrue(copies.get(id) <= 2, id + " arrived " + copies.get(id) + " times"));
        assertEquals(WINDOW, unsettled.stream().filter(id -> copies.get(id) == 2).count(),
                "messages taken by the server as the node died, and sent again: " + copies);
    }

    /** Relays messages {@code from} to {@code to} (exclusive), each acknowledged; returns their Message-IDs. */
    private List<String> sendMessages(int from, int to) throws IOException {
        List<String> messageIds = new ArrayList<>();
        try (SmtpClient smtp = new SmtpClient(node.smtpPort())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            for (int i = from; i < to; i++) {
                String messageId = "<" + i + "@crash.test>";
                String content = "Message-ID: " + messageId + "\r\nSubject: crash " + i + "\r\n\r\nbody\r\n";
                send(smtp, "<a@sender.test>", content, "rcpt" + i + "@remote.test");
                messageIds.add(messageId);
            }
        }
        return messageIds;
    }

    private void awaitQueueEmpty() {
        await("queue empty").atMost(DEADLINE).until(() -> node.get(QueueApi.PATH).get("messages").isEmpty());
    }

    /** How many times the server received each Message-ID. */
    private static Map<String, Long> received() {
        return mx.transactions().stream().map(transaction -> {
            Matcher id = MESSAGE_ID.matcher(transaction.text());
            assertTrue(id.find(), transaction.text());
            return id.group(1);
        }).collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }
}
