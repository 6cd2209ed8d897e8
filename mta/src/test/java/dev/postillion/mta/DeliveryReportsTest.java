package dev.postillion.mta;

import static dev.postillion.mta.OutboundDeliveryTest.awaitTransaction;
import static dev.postillion.mta.OutboundDeliveryTest.describe;
import static dev.postillion.mta.SmtpProtocolTest.commands;
import static dev.postillion.mta.SmtpProtocolTest.connect;
import static dev.postillion.mta.SmtpProtocolTest.message;
import static dev.postillion.mta.SmtpProtocolTest.newMailbox;
import static dev.postillion.mta.SmtpProtocolTest.queueId;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.queue.testing.FakeMx;
import dev.postillion.queue.testing.FakeMx.Extension;
import dev.postillion.queue.testing.FakeMx.Transaction;
import jakarta.mail.internet.InternetHeaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Delivery status notifications (RFC 3464, RFC 3461) from a real node, as the sender's mailbox
 * receives them and Jakarta Mail reads them: failures at RCPT and after DATA, what NOTIFY, RET,
 * ENVID and ORCPT ask for, and none for the null sender. Every test leaves the queue empty.
 */
class DeliveryReportsTest extends NodeInRemoteWorld {

    private static final String UNKNOWN = "Recipient address rejected: User unknown";
    private static final String SPAM = "554 5.7.1 Message rejected as spam";

    static FakeMx mx;
    static FakeMx noDsn;
    static FakeMx afterData;

    @BeforeAll
    static void start() throws IOException {
        mx = startWorld().mx();
        world.viaMx("bounce.test");
        noDsn = world.direct("nodsn.test").without(Extension.DSN);
        afterData = world.direct("afterdata.test").reply(FakeMx.Command.END_OF_DATA, SPAM);
        startNode(Map.of());
    }

    @AfterEach
    void queueEmpty() {
        queue.awaitEmpty();
    }

    @Test
    void aRecipientRefusedAtRcptIsReportedWithTheServersAnswerAndTheMessageReturned() throws Exception {
        String sender = newMailbox(node);
        mx.rejectRecipient("gone@remote.test", "550 5.1.1 <gone@remote.test>: " + UNKNOWN);
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String id = send("MAIL FROM:<" + sender + ">", message("refused at rcpt"), "RCPT TO:<kept@remote.test>",
                "RCPT TO:<gone@remote.test>");
        Instant accepted = Instant.now();

        Report report = Report.awaitIn(mailboxes, sender, Report.FAILURE);
        assertEquals("multipart/report", report.contentType().getBaseType());
        assertEquals("delivery-status", report.contentType().getParameter("report-type"));
        assertEquals("MAIL DELIVERY SYSTEM <MAILER-DAEMON@mx.test>", report.header("From"));
        assertEquals(sender, report.header("To"));
        assertEquals("auto-replied", report.header("Auto-Submitted"));
        assertEquals(3, report.partCount());
        assertEquals(List.of("text/plain", "message/delivery-status", "message/rfc822"),
                List.of(report.partType(0), report.partType(1), report.partType(2)));

        InternetHeaders perMessage = report.messageFields();
        assertEquals("dns; mx.test", Report.field(perMessage, "Reporting-MTA"));
        Instant arrival = Report.date(perMessage, "Arrival-Date");
        assertFalse(arrival.isBefore(before) || arrival.isAfter(accepted),
                arrival + " not in " + before + ".." + accepted);
        InternetHeaders failed = report.onlyRecipient();
        assertEquals("rfc822; gone@remote.test", Report.field(failed, "Final-Recipient"));
        assertEquals("failed", Report.field(failed, "Action"));
        assertEquals("5.1.1", Report.field(failed, "Status"));
        assertEquals("dns; " + RemoteWorld.MX, Report.field(failed, "Remote-MTA"));
        assertEquals("smtp; 550 5.1.1 <gone@remote.test>: " + UNKNOWN, Report.field(failed, "Diagnostic-Code"));

        String text = report.text();
        String refusal = "550 5.1.1 <gone@remote.test>: " + UNKNOWN;
        assertTrue(text.contains("<gone@remote.test>: " + describe(refusal, "RCPT TO")), text);
        assertFalse(text.contains("kept@remote.test"), text);
        Transaction delivered = awaitTransaction(mx, "<refused-at-rcpt@sender.test>");
        assertEquals(List.of("kept@remote.test"),
                delivered.recipients().stream().map(FakeMx.Recipient::address).toList());
        assertArrayEquals(delivered.content(), report.returned(), "the returned message is the one queued");
        queue.awaitGone(id);
    }

    @Test
    void aMessageRefusedAfterDataIsReportedInReplyToTheEndOfData() throws Exception {
        String sender = newMailbox(node);
        send("MAIL FROM:<" + sender + ">", message("refused after data"), "RCPT TO:<x@afterdata.test>");

        Report report = Report.awaitIn(mailboxes, sender, Report.FAILURE);
        InternetHeaders failed = report.onlyRecipient();
        assertEquals("rfc822; x@afterdata.test", Report.field(failed, "Final-Recipient"));
        assertEquals("5.7.1", Report.field(failed, "Status"));
        assertEquals("dns; 127.0.0.1", Report.field(failed, "Remote-MTA"));
        assertEquals("smtp; " + SPAM, Report.field(failed, "Diagnostic-Code"));
        assertTrue(report.text().contains("<x@afterdata.test>: host 127.0.0.1[127.0.0.1] said: " + SPAM
                + " (in reply to end of DATA command)"), report.text());
    }

    /** RFC 3461 section 4.1: NOTIFY=SUCCESS asks for a report once delivered; ENVID and ORCPT come back decoded. */
    @Test
    void notifySuccessToALocalRecipientIsReportedDelivered() throws Exception {
        String sender = newMailbox(node);
        String recipient = newMailbox(node);
        send("MAIL FROM:<" + sender + "> ENVID=QQ+2B314159", message("notify success"),
                "RCPT TO:<" + recipient + "> NOTIFY=SUCCESS ORCPT=rfc822;first+2Blast@example.test");

        Report report = Report.awaitIn(mailboxes, sender, Report.SUCCESS);
        assertEquals("QQ+314159", Report.field(report.messageFields(), "Original-Envelope-Id"));
        InternetHeaders delivered = report.onlyRecipient();
        assertEquals("rfc822; first+last@example.test", Report.field(delivered, "Original-Recipient"));
        assertEquals("rfc822; " + recipient, Report.field(delivered, "Final-Recipient"));
        assertEquals("delivered", Report.field(delivered, "Action"));
        assertEquals("2.0.0", Report.field(delivered, "Status"));
        assertNull(Report.field(delivered, "Remote-MTA"));
        assertEquals("text/rfc822-headers", report.partType(2));
        assertTrue(report.text().contains("<" + recipient + "> (originally <first+last@example.test>): "
                + "delivered to mailbox"), report.text());
        assertFalse(report.text().contains(", uid "), "no internal uid in the report: " + report.text());
        assertEquals(1, mailboxes.withSubject(recipient, "notify success").size());
    }

    @Test
    void notifyNeverGetsNoReportOfAFailure() throws IOException {
        String sender = newMailbox(node);
        mx.rejectRecipient("never@remote.test", "550 5.1.1 <never@remote.test>: " + UNKNOWN);
        String id = send("MAIL FROM:<" + sender + ">", message("notify never"),
                "RCPT TO:<never@remote.test> NOTIFY=NEVER");
        queue.awaitGone(id);
        assertNoReportFor(sender);
    }

    /** RFC 3461 section 6.2.7.3: a server without DSN cannot report success, so we say "relayed". */
    @Test
    void notifySuccessToAServerWithoutDsnIsReportedRelayed() throws Exception {
        String sender = newMailbox(node);
        send("MAIL FROM:<" + sender + "> ENVID=relay1", message("relayed without dsn"),
                "RCPT TO:<x@nodsn.test> NOTIFY=SUCCESS");

        Report report = Report.awaitIn(mailboxes, sender, Report.SUCCESS);
        InternetHeaders relayed = report.onlyRecipient();
        assertEquals("relayed", Report.field(relayed, "Action"));
        assertEquals("2.0.0", Report.field(relayed, "Status"));
        assertEquals("dns; 127.0.0.1", Report.field(relayed, "Remote-MTA"));
        assertTrue(Report.field(relayed, "Diagnostic-Code").startsWith("smtp; 250 2.0.0 Ok: queued as FAKE"),
                Report.field(relayed, "Diagnostic-Code"));
        Transaction transaction = awaitTransaction(noDsn, "<relayed-without-dsn@sender.test>");
        assertEquals(List.of(new FakeMx.Recipient("x@nodsn.test", Map.of())), transaction.recipients());
        assertEquals(List.of("SIZE"), List.copyOf(transaction.mailParameters().keySet()));
    }

    /** RFC 3461 section 5.2.1: a server with DSN gets the parameters, and the report is its job. */
    @Test
    void toAServerWithDsnTheParametersGoOnAndNoReportComesFromUs() throws IOException {
        String sender = newMailbox(node);
        String id = send("MAIL FROM:<" + sender + "> RET=HDRS ENVID=QQ+2B1", message("passed on"),
                "RCPT TO:<on@remote.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;on+2Btag@remote.test");

        Transaction transaction = awaitTransaction(mx, "<passed-on@sender.test>");
        assertEquals("HDRS", transaction.mailParameters().get("RET"));
        assertEquals("QQ+2B1", transaction.mailParameters().get("ENVID"));
        Map<String, String> passedOn = Map.of("NOTIFY", "SUCCESS,FAILURE", "ORCPT", "rfc822;on+2Btag@remote.test");
        assertEquals(List.of(new FakeMx.Recipient("on@remote.test", passedOn)), transaction.recipients());
        queue.awaitGone(id);
        assertNoReportFor(sender);
    }

    /** RFC 3461 section 4.3: RET=HDRS returns the header section only. */
    @Test
    void retHdrsReturnsOnlyTheHeaders() throws Exception {
        String sender = newMailbox(node);
        mx.rejectRecipient("hdrs@remote.test", "550 5.1.1 <hdrs@remote.test>: " + UNKNOWN);
        String content = message("headers only");
        send("MAIL FROM:<" + sender + "> RET=HDRS", content, "RCPT TO:<hdrs@remote.test>");

        Report report = Report.awaitIn(mailboxes, sender, Report.FAILURE);
        assertEquals("text/rfc822-headers", report.partType(2));
        String returned = new String(report.returned(), StandardCharsets.UTF_8);
        String headers = content.substring(0, content.indexOf("\r\n\r\n") + 2);
        assertTrue(returned.startsWith("Received: from client.test ([127.0.0.1])\r\n"), returned);
        assertTrue(returned.endsWith("\r\n" + headers), returned);
        assertTrue(report.text().contains("The header section of your message is attached."), report.text());
    }

    /** RFC 5321 section 4.5.5: a message from the null sender is never reported on. */
    @Test
    void aMessageFromTheNullSenderThatFailsIsReportedToNobody() throws IOException {
        mx.rejectRecipient("null@remote.test", "550 5.1.1 <null@remote.test>: " + UNKNOWN);
        String id = send("MAIL FROM:<>", message("from nobody"), "RCPT TO:<null@remote.test>");
        queue.awaitGone(id);
        // A report would have been spooled in the change that removed the message.
        assertEquals(List.of(), queue.list(""));
    }

    /**
     * A report that fails itself is dropped: it comes from the null sender, so nothing reports on
     * it, and no loop of reports about reports can start.
     */
    @Test
    void aReportThatFailsIsDroppedAndNotReportedOn() throws IOException {
        mx.rejectRecipient("lost@remote.test", "550 5.1.1 <lost@remote.test>: " + UNKNOWN);
        mx.rejectRecipient("bob@bounce.test", "550 5.1.1 <bob@bounce.test>: " + UNKNOWN);
        String id = send("MAIL FROM:<bob@bounce.test>", message("report lost"), "RCPT TO:<lost@remote.test>");
        queue.awaitGone(id);
        await("the report's attempt").atMost(Duration.ofSeconds(15))
                .until(() -> mx.commands().contains("RCPT TO:<bob@bounce.test>"));
        queue.awaitEmpty();
        List<String> commands = mx.commands();
        int report = commands.indexOf("RCPT TO:<bob@bounce.test>");
        assertTrue(commands.get(report - 1).startsWith("MAIL FROM:<> "), commands.get(report - 1));
        assertEquals(1, commands.stream().filter("RCPT TO:<bob@bounce.test>"::equals).count());
    }

    /** One message over a new session, with whole MAIL and RCPT commands; returns its queue id. */
    private static String send(String mail, String content, String... rcpts) throws IOException {
        try (SmtpClient smtp = connect(node)) {
            return queueId(commands(smtp, mail, content, rcpts));
        }
    }
}
