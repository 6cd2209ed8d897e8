package dev.postillion.mta;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * ARCHITECTURE rules 3 and 4 against a real crash: a node under load from several SMTP clients is
 * killed with SIGKILL; after a restart every message that got its 250 is in the mailbox exactly
 * once, even when the node is killed a second time while it resumes the spool.
 */
@Tag("process")
class CrashRecoveryTest {

    private static final String MAILBOX = "anna@example.test";
    private static final int SENDERS = 8;
    private static final int ACKNOWLEDGED_BEFORE_CRASH = 300;
    private static final String QUEUED = "250 2.0.0 Ok: queued as ";

    @TempDir Path workDir;
    @RegisterExtension final ChildNode node = new ChildNode();

    /** Message-IDs of the messages whose DATA got the 250 that promises they are on disk. */
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();

    @Test void everyAcknowledgedMessageIsDeliveredExactlyOnceAfterCrashes() throws Exception {
        node.start(workDir);
        node.createMailbox(MAILBOX);
        crashUnderLoad();
        crashWhileResumingTheSpool();
        node.restart();

        await("every acknowledged message delivered").atMost(Duration.ofSeconds(20))
                .until(() -> node.messageIds(MAILBOX).containsAll(acknowledged));
        assertDeliveredOnce(node.messageIds(MAILBOX));
    }

    /** Kills the node while its senders are still sending, once enough messages were acknowledged. */
    private void crashUnderLoad() throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int sender = 0; sender < SENDERS; sender++) {
                int number = sender;
                running.add(senders.submit(() -> sendUntilConnectionLost(number)));
            }
            await("messages acknowledged before the crash").atMost(Duration.ofSeconds(20))
                    .until(() -> acknowledged.size() >= ACKNOWLEDGED_BEFORE_CRASH);
            assertTrue(running.stream().noneMatch(Future::isDone), "a sender stopped before the crash");
            node.kill();
            for (Future<?> sender : running) {
                sender.get(15, TimeUnit.SECONDS); // rethrows what a sender saw that was not the crash
            }
        } finally {
            senders.shutdownNow();
        }
    }

    /**
     * Starts the node again and, if it found messages in the spool, kills it as soon as it reports
     * the first delivery of one: mailboxes then hold messages whose spool entries may still be
     * there. (When delivery kept up with the load, nothing was left to resume, and the node is
     * killed as it is.)
     */
    private void crashWhileResumingTheSpool() throws Exception {
        node.launch();
        // The node says what it resumes before it says it is up.
        await("node up").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                .until(() -> node.outputOfThisStart().contains("Resuming delivery of")
                        || node.outputOfThisStart().contains(" is up"));
        if (node.outputOfThisStart().contains("Resuming delivery of")) {
            await("first redelivery from the spool").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                    .until(() -> node.outputOfThisStart().contains("status=sent"));
        }
        node.kill();
    }

    /** One client sending message after message on one connection, until the node is gone. */
    private Void sendUntilConnectionLost(int sender) throws IOException {
        try (SmtpClient smtp = new SmtpClient(node.smtpPort())) {
            expect("220 ", smtp.reply());
            expect("250", smtp.command("EHLO sender" + sender + ".test"));
            for (int message = 0; ; message++) {
                String messageId = "<" + message + "." + sender + "@sender.test>";
                sendMessage(smtp, sender, messageId);
                acknowledged.add(messageId);
            }
        } catch (IOException connectionLost) {
            return null;
        }
    }

    /** A whole transaction, which returns once the message is acknowledged as queued. */
    private static void sendMessage(SmtpClient smtp, int sender, String messageId) throws IOException {
        expect("250 ", smtp.command("MAIL FROM:<bob@sender" + sender + ".test>"));
        expect("250 ", smtp.command("RCPT TO:<" + MAILBOX + ">"));
        expect("354 ", smtp.command("DATA"));
        expect(QUEUED, smtp.command("Message-ID: " + messageId + "\r\nSubject: load\r\n\r\nBody of " + messageId
                + "\r\n."));
    }

    /** Passes the expected reply; EOF when the node is gone; fails the test on any other reply. */
    private static void expect(String start, String reply) throws EOFException {
        if (reply == null) {
            throw new EOFException("the node closed the connection");
        }
        assertTrue(reply.startsWith(start), "expected " + start + "... but got " + reply);
    }

    private void assertDeliveredOnce(List<String> delivered) {
        Map<String, Long> copies = delivered.stream().collect(Collectors.groupingBy(Function.identity(),
                Collectors.counting()));
        Map<String, Long> duplicated = copies.entrySet().stream().filter(entry -> entry.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertEquals(Map.of(), duplicated, "messages stored more than once");
        assertTrue(copies.keySet().containsAll(acknowledged));
    }
}
