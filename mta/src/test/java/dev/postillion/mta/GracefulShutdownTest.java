package dev.postillion.mta;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM stops a node the way an operator expects: the listener closes at once, a transaction in
 * flight still ends with its 250 before the session gets 421, the message is delivered before the
 * node stops, and the store is closed.
 */
@Tag("process")
class GracefulShutdownTest {

    private static final String MAILBOX = "anna@example.test";
    private static final String MESSAGE_ID = "<in-flight@sender.test>";

    @TempDir Path workDir;
    @RegisterExtension final ChildNode node = new ChildNode();
    @RegisterExtension final ChildNode impatient = new ChildNode("-Dpostillion.smtp.shutdown-grace=1s");

    @Test void sigtermLetsTheTransactionInFlightFinishThenClosesTheStore() throws Exception {
        node.start(workDir);
        node.createMailbox(MAILBOX);
        int smtpPort = node.smtpPort();
        try (SmtpClient smtp = new SmtpClient(smtpPort)) {
            startTransaction(smtp);
            smtp.send("Message-ID: " + MESSAGE_ID + "\r\nSubject: sent across a shutdown\r\n\r\nfirst half\r\n");

            node.terminate();
            await("listener closed").atMost(Duration.ofSeconds(10)).until(() -> refusesConnections(smtpPort));

            String queued = smtp.command("second half\r\n.");
            assertTrue(queued.startsWith("250 2.0.0 Ok: queued as "), queued);
            String closing = smtp.reply();
            assertTrue(closing.startsWith("421 4.3.2 "), closing);
            assertTrue(smtp.closedByServer());
        }
        node.awaitExit(Duration.ofSeconds(20));
        assertTrue(node.output().contains("Store closed"), "the store was not closed at shutdown");

        node.restart();
        // Delivered before the node stopped: nothing was left in the spool to resume.
        assertFalse(node.outputOfThisStart().contains("Resuming delivery of"), node.outputOfThisStart());
        await("in the mailbox after restart").atMost(Duration.ofSeconds(15))
                .until(() -> node.messageIds(MAILBOX).contains(MESSAGE_ID));
        assertEquals(1, Collections.frequency(node.messageIds(MAILBOX), MESSAGE_ID));
    }

    @Test void aSessionStillOpenAfterTheGracePeriodIsClosedWith421() throws Exception {
        impatient.start(workDir);
        impatient.createMailbox(MAILBOX);
        try (SmtpClient smtp = new SmtpClient(impatient.smtpPort())) {
            startTransaction(smtp);
            impatient.terminate();
            String closing = smtp.reply();
            assertTrue(closing.startsWith("421 4.3.2 "), closing);
            assertTrue(smtp.closedByServer());
        }
        impatient.awaitExit(Duration.ofSeconds(20));
        assertTrue(impatient.output().contains("Store closed"), "the store was not closed at shutdown");
    }

    private static void startTransaction(SmtpClient smtp) throws IOException {
        assertTrue(smtp.reply().startsWith("220 "));
        assertTrue(smtp.command("EHLO sender.test").startsWith("250"));
        assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<bob@sender.test>"));
        assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + MAILBOX + ">"));
        assertTrue(smtp.command("DATA").startsWith("354 "));
    }

    private static boolean refusesConnections(int port) throws IOException {
        try {
            new Socket("127.0.0.1", port).close();
            return false;
        } catch (ConnectException refused) {
            return true;
        }
    }
}
