package dev.postillion.mta;

import static dev.postillion.mta.OutboundDeliveryTest.describe;
import static dev.postillion.mta.SmtpProtocolTest.connect;
import static dev.postillion.mta.SmtpProtocolTest.message;
import static dev.postillion.mta.SmtpProtocolTest.newMailbox;
import static dev.postillion.mta.SmtpProtocolTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.internet.InternetHeaders;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delay warning and the end of the queue lifetime in real time, with settings in seconds as
 * an operator may write them: retries every second, the warning after 2 seconds, the message
 * returned after 5. Two messages wait at once, one for a server that always answers 451 and one
 * for a port nobody listens on.
 */
class DelayWarningAndExpiryTest {

    private static final String TRY_AGAIN = "451 4.3.0 <slow@remote.test>: Temporary lookup failure";
    private static final Map<String, String> SECONDS = Map.of(
            "postillion.delivery.retry.first", "1s",
            "postillion.delivery.retry.max", "1s",
            "postillion.delivery.delay-warning", "2s",
            "postillion.delivery.max-queue-lifetime", "5s");

    @Test
    void theSenderIsWarnedOnceThenGetsTheMessageBack(@TempDir Path dataDir) throws Exception {
        int closedPort = ChildNode.freePort(); // free, so closed: nothing listens there
        try (RemoteWorld world = RemoteWorld.start()) {
            world.mx().rejectRecipient("slow@remote.test", TRY_AGAIN);
            world.route("closed.test", "[127.0.0.1]:" + closedPort);
            try (TestNode node = world.startNode(dataDir, SECONDS)) {
                QueueApi queue = new QueueApi(node);
                MailboxReader mailboxes = new MailboxReader(node);
                String slowSender = newMailbox(node);
                String closedSender = newMailbox(node);
                String slow;
                String closed;
                try (SmtpClient smtp = connect(node)) {
                    slow = send(smtp, "<" + slowSender + ">", message("always 451"), "slow@remote.test");
                    closed = send(smtp, "<" + closedSender + ">", message("closed port"), "x@closed.test");
                }

                Report slowFailure = warnedOnceThenReturned(queue, mailboxes, slowSender, slow,
                        describe(TRY_AGAIN, "RCPT TO"));
                assertEquals("4.3.0", Report.field(slowFailure.onlyRecipient(), "Status"));
                assertEquals("smtp; " + TRY_AGAIN, Report.field(slowFailure.onlyRecipient(), "Diagnostic-Code"));

                Report closedFailure = warnedOnceThenReturned(queue, mailboxes, closedSender, closed,
                        "connect to 127.0.0.1[127.0.0.1]:" + closedPort + ": Connection refused");
                assertEquals("4.4.1", Report.field(closedFailure.onlyRecipient(), "Status"));
                assertNull(Report.field(closedFailure.onlyRecipient(), "Remote-MTA"));
                queue.awaitEmpty();
            }
        }
    }

    /**
     * The sender's mailbox holds, once the message has left the queue, exactly one delay warning
     * and one failure report, both telling of {@code lastError}; returns the failure report.
     */
    private static Report warnedOnceThenReturned(QueueApi queue, MailboxReader mailboxes, String sender, String id,
            String lastError) throws Exception {
        Report failure = Report.awaitIn(mailboxes, sender, Report.FAILURE);
        queue.awaitGone(id);
        assertEquals(1, mailboxes.withSubject(sender, Report.DELAY).size(), "delay warnings");
        assertEquals(1, mailboxes.withSubject(sender, Report.FAILURE).size(), "failure reports");
        assertEquals(2, mailboxes.messages(sender).size());

        Report delay = Report.awaitIn(mailboxes, sender, Report.DELAY);
        assertTrue(delay.text().contains(
                "message still undelivered after 2 seconds; will keep trying until message is 5 seconds old."),
                delay.text());
        InternetHeaders delayed = delay.onlyRecipient();
        assertEquals("delayed", Report.field(delayed, "Action"));
        Instant arrival = Report.date(delay.messageFields(), "Arrival-Date");
        assertEquals(arrival.plus(Duration.ofSeconds(5)), Report.date(delayed, "Will-Retry-Until"));
        assertTrue(delay.text().contains(lastError), delay.text());
        assertEquals("text/rfc822-headers", delay.partType(2));

        InternetHeaders failed = failure.onlyRecipient();
        assertEquals("failed", Report.field(failed, "Action"));
        // A next hop that kept failing is suspended by then (dead-destination-backoff), as Postfix says.
        Pattern expired = Pattern.compile("message expired after \\d+ seconds in the queue; last error: "
                + "(delivery temporarily suspended: )?" + Pattern.quote(lastError));
        assertTrue(expired.matcher(failure.text()).find(), failure.text());
        assertEquals("message/rfc822", failure.partType(2));
        return failure;
    }
}
