package dev.postillion.mta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session whose content finds the node's content memory full waits for room, and is neither
 * refused nor taken for an idle client meanwhile: the client is sending, the node is not reading.
 */
class ContentMemoryWaitTest {

    private static final String QUEUED = "250 2.0.0 Ok: queued as ";
    /** More than the whole content memory: the second message cannot be read beside the first. */
    private static final String LINE = "x".repeat(1998) + "\r\n";
    /** How long the first client keeps its message going: several idle timeouts. */
    private static final int TRICKLED_LINES = 12;

    private TestNode node;

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void aSessionWaitingForContentMemoryLongerThanTheIdleTimeoutGetsItsMessageIn(@TempDir Path dataDir)
            throws Exception {
        node = TestNode.start(dataDir, Map.of(
                "postillion.smtp.content-memory", "1KiB",
                "postillion.smtp.idle-timeout", "1s",
                "postillion.greylist.enabled", false), Clock.systemUTC());
        node.createMailbox("anna@memory.example");

        try (SmtpClient first = transaction(); SmtpClient second = transaction()) {
            // The first message's content starts, a line at a time: it holds all the memory, and
            // more as it goes.
            first.send(LINE);
            CompletableFuture<Void> going = new CompletableFuture<>();
            CompletableFuture<String> trickled = trickle(first, going);
            // The second one's content finds no room and waits until the first message is spooled,
            // longer than the idle timeout.
            going.get();
            second.replyTimeout(Duration.ofSeconds(30));
            second.send(LINE + LINE + ".\r\n");
            assertTrue(trickled.get().startsWith(QUEUED), trickled.get());
            String reply = second.reply();
            assertTrue(reply.startsWith(QUEUED), reply);
        }
    }

    /**
     * The rest of the first message, a line every 300 ms on a timer so that its client is never
     * idle, then the final dot; {@code going} completes once the first of them is sent. The timer
     * paces a slow client; nothing waits for the node by time.
     */
    private static CompletableFuture<String> trickle(SmtpClient client, CompletableFuture<Void> going) {
        CompletableFuture<String> reply = new CompletableFuture<>();
        ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger sent = new AtomicInteger();
        pace.scheduleAtFixedRate(() -> {
            try {
                if (sent.getAndIncrement() < TRICKLED_LINES) {
                    client.send(LINE);
                    going.complete(null);
                } else {
                    pace.shutdown();
                    reply.complete(client.command("."));
                }
            } catch (IOException e) {
                pace.shutdown();
                reply.complete(e.toString());
            }
        }, 300, 300, TimeUnit.MILLISECONDS);
        return reply;
    }

    private SmtpClient transaction() throws IOException {
        SmtpClient client = new SmtpClient(node.smtpPort());
        assertEquals("220 ", client.reply().substring(0, 4));
        assertTrue(client.command("EHLO client.test").startsWith("250"));
        assertTrue(client.command("MAIL FROM:<bob@sender.example>").startsWith("250 "));
        assertTrue(client.command("RCPT TO:<anna@memory.example>").startsWith("250 "));
        assertTrue(client.command("DATA").startsWith("354 "));
        return client;
    }
}
