package dev.postillion.queue.report;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.Envelope;
import dev.postillion.core.QueueId;
import dev.postillion.queue.RecipientOutcome;
import dev.postillion.queue.RecipientOutcome.RemoteAnswer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReportWriterTest {

    private static final String HOST = "mx.postillion.test";
    private static final QueueId ID = new QueueId(1_000, 7);
    private static final Instant ARRIVAL = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant LAST_ATTEMPT = Instant.parse("2026-01-01T03:59:00Z");
    private static final Instant NOW = Instant.parse("2026-01-01T04:00:00Z");
    private static final String HEADERS = "Received: from client.example.org\r\n\tby " + HOST + "\r\n"
            + "From: Anna <anna@example.org>\r\nTo: bob@remote.test\r\nSubject: Lunch\r\n"
            + "Message-ID: <lunch@example.org>\r\n";
    private static final byte[] CONTENT = (HEADERS + "\r\nShall we meet at noon?\r\n").getBytes(UTF_8);
    /** Postfix's default bounce_size_limit. */
    private static final long RETURN_SIZE_LIMIT = 50_000;
    private static final ReportSettings SETTINGS =
            new ReportSettings(HOST, RETURN_SIZE_LIMIT, Duration.ofHours(4), Duration.ofDays(3));
    private static final RemoteAnswer UNKNOWN_USER = new RemoteAnswer("mx.remote.test", "192.0.2.1",
            "550 5.1.1 <bob@remote.test>: Recipient address rejected: User unknown", "RCPT TO", false);

    private final ReportWriter writer = new ReportWriter(SETTINGS);

    @Test
    void failureIsMultipartReportOfTextStatusAndReturnedMessage() throws Exception {
        Envelope envelope = envelope(Map.of(), recipient("bob@remote.test"), recipient("carl@nowhere.test"));
        DeliveryReport report = writer.write(ID, envelope, CONTENT, List.of(
                remoteFailure(envelope.recipients().get(0), UNKNOWN_USER),
                new RecipientReport(envelope.recipients().get(1), Action.FAILED, "5.4.4",
                        "Host or domain name not found: nowhere.test has no mail exchanger", Optional.empty(),
                        LAST_ATTEMPT)), NOW);

        ParsedReport parsed = parse(report);
        assertEquals("multipart/report", parsed.contentType.getBaseType());
        assertEquals("delivery-status", parsed.contentType.getParameter("report-type"));
        assertEquals("Thu, 1 Jan 2026 04:00:00 +0000", parsed.header("Date"));
        assertEquals("MAIL DELIVERY SYSTEM <MAILER-DAEMON@mx.postillion.test>", parsed.header("From"));
        assertEquals("anna@example.org", parsed.header("To"));
        assertEquals("Undelivered Mail Returned to Sender", parsed.header("Subject"));
        assertTrue(parsed.header("Message-ID").matches("<[0-9A-F]{24}\\.[0-9a-f]{16}@mx\\.postillion\\.test>"),
                parsed.header("Message-ID"));
        assertEquals("auto-replied", parsed.header("Auto-Submitted"));
        assertEquals("1.0", parsed.header("MIME-Version"));
        assertEquals(List.of("text/plain", "message/delivery-status", "message/rfc822"), parsed.partTypes());
        assertEquals("utf-8", parsed.parts.get(0).getContentType().replaceAll(".*charset=", ""));

        List<Map<String, String>> groups = parsed.statusGroups();
        assertEquals(3, groups.size());
        assertFields(groups.get(0),
                "Reporting-MTA", "dns; mx.postillion.test",
                "Arrival-Date", "Thu, 1 Jan 2026 00:00:00 +0000");
        assertFields(groups.get(1),
                "Final-Recipient", "rfc822; bob@remote.test",
                "Action", "failed",
                "Status", "5.1.1",
                "Remote-MTA", "dns; mx.remote.test",
                "Diagnostic-Code", "smtp; 550 5.1.1 <bob@remote.test>: Recipient address rejected: User unknown",
                "Last-Attempt-Date", "Thu, 1 Jan 2026 03:59:00 +0000");
        assertFields(groups.get(2),
                "Final-Recipient", "rfc822; carl@nowhere.test",
                "Action", "failed",
                "Status", "5.4.4",
                "Last-Attempt-Date", "Thu, 1 Jan 2026 03:59:00 +0000");

        assertTrue(parsed.text().startsWith("This is the mail system at host mx.postillion.test.\r\n\r\n"));
        String text = parsed.unwrappedText();
        assertTrue(text.contains("I'm sorry to have to inform you that your message could not be delivered to "
                + "one or more recipients."), text);
        assertTrue(text.contains("<bob@remote.test>: host mx.remote.test[192.0.2.1] said: 550 5.1.1 "
                + "<bob@remote.test>: Recipient address rejected: User unknown (in reply to RCPT TO command)"), text);
        assertTrue(text.contains("<carl@nowhere.test>: Host or domain name not found: nowhere.test has no mail "
                + "exchanger"), text);
        assertTrue(text.contains("A copy of your message is attached."), text);
        assertArrayEquals(CONTENT, parsed.rawPart(2));
        assertCrlfLinesOnly(report.message());
    }

    @Test
    void reportGoesFromTheNullSenderToTheOriginalSender() {
        Envelope envelope = envelope(Map.of("BODY", "8BITMIME", "RET", "FULL"), recipient("bob@remote.test"));
        DeliveryReport report = writer.write(ID, envelope, CONTENT,
                List.of(remoteFailure(envelope.recipients().get(0), UNKNOWN_USER)), NOW);

        Envelope returned = report.envelope();
        assertEquals(Optional.empty(), returned.sender());
        assertEquals(List.of(new Envelope.Recipient(EmailAddress.parse("anna@example.org", false), Map.of())),
                returned.recipients());
        assertEquals(Map.of(), returned.mailParameters(), "ASCII only, so no BODY=8BITMIME");
        assertEquals(NOW, returned.arrival());
        assertFalse(returned.smtputf8());
        assertTrue(returned.originatedHere(), "the node wrote it: it is DKIM-signed");
    }

    @Test
    void everyReportHasItsOwnMessageId() throws Exception {
        Envelope envelope = envelope(Map.of(), recipient("bob@remote.test"));
        List<RecipientReport> failed = List.of(remoteFailure(envelope.recipients().get(0), UNKNOWN_USER));

        String first = parse(writer.write(ID, envelope, CONTENT, failed, NOW)).header("Message-ID");
        String second = parse(writer.write(ID, envelope, CONTENT, failed, NOW)).header("Message-ID");

        assertNotEquals(first, second);
    }

    @Test
    void retHdrsReturnsTheHeaderSectionOnly() throws Exception {
        Envelope envelope = envelope(Map.of("RET", "HDRS"), recipient("bob@remote.test"));
        ParsedReport parsed = parse(writer.write(ID, envelope, CONTENT,
                List.of(remoteFailure(envelope.recipients().get(0), UNKNOWN_USER)), NOW));

        assertEquals("text/rfc822-headers", parsed.partTypes().get(2));
        assertArrayEquals(HEADERS.getBytes(UTF_8), parsed.rawPart(2));
        assertTrue(parsed.unwrappedText().contains("The header section of your message is attached."));
    }

    @Test
    void messageOverTheSizeLimitIsReturnedAsItsHeaderSection() throws Exception {
        Envelope envelope = envelope(Map.of(), recipient("bob@remote.test"));
        List<RecipientReport> failed = List.of(remoteFailure(envelope.recipients().get(0), UNKNOWN_USER));

        ParsedReport atLimit =
                parse(new ReportWriter(withLimit(CONTENT.length)).write(ID, envelope, CONTENT, failed, NOW));
        ParsedReport overLimit =
                parse(new ReportWriter(withLimit(CONTENT.length - 1)).write(ID, envelope, CONTENT, failed, NOW));

        assertEquals("message/rfc822", atLimit.partTypes().get(2));
        assertEquals("text/rfc822-headers", overLimit.partTypes().get(2));
        assertArrayEquals(HEADERS.getBytes(UTF_8), overLimit.rawPart(2));
    }

    @Test
    void headerSectionOverTheSizeLimitIsCutAtALineEnd() throws Exception {
        Envelope envelope = envelope(Map.of(), recipient("bob@remote.test"));
        int throughFrom = HEADERS.indexOf("To:");

        ParsedReport parsed = parse(new ReportWriter(withLimit(throughFrom + 5)).write(ID, envelope, CONTENT,
                List.of(remoteFailure(envelope.recipients().get(0), UNKNOWN_USER)), NOW));

        assertArrayEquals(HEADERS.substring(0, throughFrom).getBytes(UTF_8), parsed.rawPart(2));
    }

    @Test
    void envidAndOrcptAreDecodedFromXtext() throws Exception {
        Envelope envelope = envelope(Map.of("ENVID", "QQ+2B314159+3Dpi"),
                recipient("bob@remote.test", Map.of("ORCPT", "rfc822;bob+2Btag@remote.test")));
        ParsedReport parsed = parse(writer.write(ID, envelope, CONTENT,
                List.of(remoteFailure(envelope.recipients().get(0), UNKNOWN_USER)), NOW));

        List<Map<String, String>> groups = parsed.statusGroups();
        assertFields(groups.get(0),
                "Original-Envelope-Id", "QQ+314159=pi",
                "Reporting-MTA", "dns; mx.postillion.test",
                "Arrival-Date", "Thu, 1 Jan 2026 00:00:00 +0000");
        assertEquals(List.of("Original-Recipient", "Final-Recipient"),
                List.copyOf(groups.get(1).keySet()).subList(0, 2));
        assertEquals("rfc822; bob+tag@remote.test", groups.get(1).get("Original-Recipient"));
        assertTrue(parsed.unwrappedText().contains("<bob@remote.test> (originally <bob+tag@remote.test>): host"));
    }

    @Test
    void delayWarningNamesTheConfiguredTimesAndWhenRetriesStop() throws Exception {
        Envelope envelope = envelope(Map.of("RET", "FULL"), recipient("bob@remote.test"));
        RecipientReport delayed = new RecipientReport(envelope.recipients().get(0), Action.DELAYED, "4.4.1",
                "connect to mx.remote.test[192.0.2.1]:25: Connection timed out", Optional.empty(), LAST_ATTEMPT);

        DeliveryReport report = writer.write(ID, envelope, CONTENT, List.of(delayed), NOW);

        ParsedReport parsed = parse(report);
        assertEquals("Delayed Mail (still being retried)", parsed.header("Subject"));
        assertTrue(parsed.text().contains(
                "message still undelivered after 4 hours; will keep trying until message is 3 days old"),
                parsed.text());
        assertTrue(parsed.unwrappedText().contains(
                "<bob@remote.test>: connect to mx.remote.test[192.0.2.1]:25: Connection timed out"));
        assertEquals(List.of("text/plain", "message/delivery-status", "text/rfc822-headers"), parsed.partTypes());
        assertArrayEquals(HEADERS.getBytes(UTF_8), parsed.rawPart(2), "headers only, whatever RET says");
        assertFields(parsed.statusGroups().get(1),
                "Final-Recipient", "rfc822; bob@remote.test",
                "Action", "delayed",
                "Status", "4.4.1",
                "Last-Attempt-Date", "Thu, 1 Jan 2026 03:59:00 +0000",
                "Will-Retry-Until", "Sun, 4 Jan 2026 00:00:00 +0000");
        assertCrlfLinesOnly(report.message());
    }

    @Test
    void delayWarningWithSettingsInSeconds() throws Exception {
        ReportWriter quick = new ReportWriter(
                new ReportSettings(HOST, RETURN_SIZE_LIMIT, Duration.ofSeconds(30), Duration.ofMinutes(2)));
        Envelope envelope = envelope(Map.of(), recipient("bob@remote.test"));
        RemoteAnswer tryLater = new RemoteAnswer("mx.remote.test", "192.0.2.1", "451 4.3.0 Try again later", "RCPT TO", false);

        ParsedReport parsed = parse(quick.write(ID, envelope, CONTENT, List.of(RecipientReport.of(
                envelope.recipients().get(0), Action.DELAYED, remoteOutcome("4.3.0", tryLater), LAST_ATTEMPT)), NOW));

        assertTrue(parsed.text().contains(
                "message still undelivered after 30 seconds; will keep trying until message is 2 minutes old"));
        assertEquals("Thu, 1 Jan 2026 00:02:00 +0000", parsed.statusGroups().get(1).get("Will-Retry-Until"));
        assertEquals("smtp; 451 4.3.0 Try again later", parsed.statusGroups().get(1).get("Diagnostic-Code"));
    }

    @Test
    void successReportsDeliveredAndRelayedRecipientsWithHeadersOnly() throws Exception {
        Envelope envelope = envelope(Map.of(), recipient("carl@example.org", Map.of("NOTIFY", "SUCCESS")),
                recipient("bob@remote.test", Map.of("NOTIFY", "SUCCESS,FAILURE")));
        RemoteAnswer accepted =
                new RemoteAnswer("mx.remote.test", "192.0.2.1", "250 2.0.0 Ok: queued as 4F2A", "end of DATA", false);
        ParsedReport parsed = parse(writer.write(ID, envelope, CONTENT, List.of(
                new RecipientReport(envelope.recipients().get(0), Action.DELIVERED, "2.0.0", "delivered to mailbox",
                        Optional.empty(), LAST_ATTEMPT),
                RecipientReport.of(envelope.recipients().get(1), Action.RELAYED, remoteOutcome("2.0.0", accepted),
                        LAST_ATTEMPT)), NOW));

        assertEquals("Successful Mail Delivery Report", parsed.header("Subject"));
        assertEquals("text/rfc822-headers", parsed.partTypes().get(2));
        List<Map<String, String>> groups = parsed.statusGroups();
        assertFields(groups.get(1),
                "Final-Recipient", "rfc822; carl@example.org",
                "Action", "delivered",
                "Status", "2.0.0",
                "Last-Attempt-Date", "Thu, 1 Jan 2026 03:59:00 +0000");
        assertFields(groups.get(2),
                "Final-Recipient", "rfc822; bob@remote.test",
                "Action", "relayed",
                "Status", "2.0.0",
                "Remote-MTA", "dns; mx.remote.test",
                "Diagnostic-Code", "smtp; 250 2.0.0 Ok: queued as 4F2A",
                "Last-Attempt-Date", "Thu, 1 Jan 2026 03:59:00 +0000");
        String text = parsed.unwrappedText();
        assertTrue(text.contains("Your message was delivered to the recipients listed below"), text);
        assertTrue(text.contains("<carl@example.org>: delivered to mailbox"), text);
        assertTrue(text.contains("<bob@remote.test>: host mx.remote.test[192.0.2.1] said: 250 2.0.0 Ok: queued as "
                + "4F2A (in reply to end of DATA command)"), text);
    }

    @Test
    void lineBreaksFromRemoteServersAndClientsStartNoFieldOrHeader() throws Exception {
        RemoteAnswer hostile = new RemoteAnswer("mx.evil.test\r\nX-Injected: host", "192.0.2.66",
                "550 5.7.1 go away\r\nX-Injected: reply\r\n\r\nFinal-Recipient: rfc822; forged@evil.test", "RCPT TO", false);
        Envelope envelope = envelope(Map.of("ENVID", "id+0D+0AX-Injected:+20envid"),
                recipient("bob@remote.test", Map.of("ORCPT", "rfc822;bob@remote.test+0D+0AX-Injected:+20orcpt")));

        DeliveryReport report = writer.write(ID, envelope, CONTENT,
                List.of(remoteFailure(envelope.recipients().get(0), hostile)), NOW);

        ParsedReport parsed = parse(report);
        assertNull(parsed.header("X-Injected"));
        assertEquals(3, parsed.parts.size());
        List<Map<String, String>> groups = parsed.statusGroups();
        assertEquals(2, groups.size());
        assertEquals("id X-Injected: envid", groups.get(0).get("Original-Envelope-Id"));
        assertFields(groups.get(1),
                "Original-Recipient", "rfc822; bob@remote.test X-Injected: orcpt",
                "Final-Recipient", "rfc822; bob@remote.test",
                "Action", "failed",
                "Status", "5.1.1",
                "Remote-MTA", "dns; mx.evil.test X-Injected: host",
                "Diagnostic-Code",
                "smtp; 550 5.7.1 go away X-Injected: reply Final-Recipient: rfc822; forged@evil.test",
                "Last-Attempt-Date", "Thu, 1 Jan 2026 03:59:00 +0000");
        for (String line : new String(report.message(), UTF_8).split("\r\n")) {
            assertFalse(line.startsWith("X-Injected"), line);
        }
        assertCrlfLinesOnly(report.message());
    }

    @Test
    void longRepliesAreFoldedWithinTheLineLength() throws Exception {
        String reply = "550 5.7.1 " + "This message was refused by the local policy of this server. ".repeat(12).trim();
        RemoteAnswer wordy = new RemoteAnswer("mx.remote.test", "192.0.2.1", reply, "end of DATA", false);
        Envelope envelope = envelope(Map.of(), recipient("bob@remote.test"));

        DeliveryReport report = writer.write(ID, envelope, CONTENT,
                List.of(RecipientReport.of(envelope.recipients().get(0), Action.FAILED, remoteOutcome("5.7.1", wordy),
                        LAST_ATTEMPT)), NOW);

        ParsedReport parsed = parse(report);
        assertEquals("smtp; " + reply, parsed.statusGroups().get(1).get("Diagnostic-Code"));
        assertTrue(parsed.unwrappedText().contains(reply + " (in reply to end of DATA command)"));
        String message = new String(report.message(), UTF_8);
        String writtenByUs = message.substring(0, message.indexOf("Content-Description: Returned message"));
        for (String line : writtenByUs.split("\r\n")) {
            assertTrue(line.length() <= 78, line);
        }
    }

    @Test
    void nonAsciiAddressesMakeAGlobalReport() throws Exception {
        byte[] content = "From: anna@example.org\r\nSubject: Grüße\r\n\r\nHallo\r\n".getBytes(UTF_8);
        Envelope envelope = new Envelope(Optional.of(EmailAddress.parse("anna@example.org", true)), Map.of(),
                List.of(new Envelope.Recipient(EmailAddress.parse("用户+tag@例子.测试", true),
                        Map.of("ORCPT", "utf-8;\\x{7528}\\x{6237}@\\x{4F8B}\\x{5B50}.\\x{6D4B}\\x{8BD5}"))),
                "client.example.org", "192.0.2.7", ARRIVAL, true);

        DeliveryReport report = writer.write(ID, envelope, content, List.of(new RecipientReport(
                envelope.recipients().get(0), Action.FAILED, "5.1.1", "unknown user", Optional.empty(), LAST_ATTEMPT)),
                NOW);

        ParsedReport parsed = parse(report);
        assertEquals(List.of("text/plain", "message/global-delivery-status", "message/global"), parsed.partTypes());
        assertEquals("8bit", parsed.parts.get(1).getEncoding());
        assertFields(parsed.statusGroups().get(1),
                "Original-Recipient", "utf-8; 用户@例子.测试",
                "Final-Recipient", "utf-8; 用户\\x{2B}tag@例子.测试",
                "Action", "failed",
                "Status", "5.1.1",
                "Last-Attempt-Date", "Thu, 1 Jan 2026 03:59:00 +0000");
        assertTrue(parsed.unwrappedText().contains("<用户+tag@例子.测试> (originally <用户@例子.测试>): unknown user"));
        assertArrayEquals(content, parsed.rawPart(2));
        assertTrue(report.envelope().smtputf8());
        assertEquals(Map.of("BODY", "8BITMIME"), report.envelope().mailParameters());
    }

    @Test
    void theNullSenderGetsNoReport() {
        Envelope bounce = new Envelope(Optional.empty(), Map.of(), List.of(recipient("bob@remote.test")),
                "client.example.org", "192.0.2.7", ARRIVAL, false);

        assertThrows(IllegalArgumentException.class, () -> writer.write(ID, bounce, CONTENT,
                List.of(remoteFailure(bounce.recipients().get(0), UNKNOWN_USER)), NOW));
    }

    @Test
    void oneReportTellsOfOneKindOfEvent() {
        Envelope envelope = envelope(Map.of(), recipient("bob@remote.test"), recipient("carl@example.org"));
        RecipientReport failed = remoteFailure(envelope.recipients().get(0), UNKNOWN_USER);
        RecipientReport delivered = new RecipientReport(envelope.recipients().get(1), Action.DELIVERED, "2.0.0",
                "delivered to mailbox", Optional.empty(), LAST_ATTEMPT);

        assertThrows(IllegalArgumentException.class,
                () -> writer.write(ID, envelope, CONTENT, List.of(failed, delivered), NOW));
        assertThrows(IllegalArgumentException.class, () -> writer.write(ID, envelope, CONTENT, List.of(), NOW));
    }

    private static ParsedReport parse(DeliveryReport report) throws Exception {
        return new ParsedReport(report.message());
    }

    private static Envelope envelope(Map<String, String> mailParameters, Envelope.Recipient... recipients) {
        return new Envelope(Optional.of(EmailAddress.parse("anna@example.org", false)), mailParameters,
                Arrays.asList(recipients), "client.example.org", "192.0.2.7", ARRIVAL, false);
    }

    private static Envelope.Recipient recipient(String address) {
        return recipient(address, Map.of());
    }

    private static Envelope.Recipient recipient(String address, Map<String, String> parameters) {
        return new Envelope.Recipient(EmailAddress.parse(address, false), parameters);
    }

    private static RecipientReport remoteFailure(Envelope.Recipient recipient, RemoteAnswer answer) {
        return RecipientReport.of(recipient, Action.FAILED, remoteOutcome("5.1.1", answer), LAST_ATTEMPT);
    }

    private static RecipientOutcome remoteOutcome(String dsn, RemoteAnswer answer) {
        String relay = answer.host() + "[" + answer.address() + "]:25";
        return RecipientOutcome.remote(0, RecipientOutcome.Status.BOUNCED, relay, dsn, answer);
    }

    private static ReportSettings withLimit(long returnSizeLimit) {
        return new ReportSettings(HOST, returnSizeLimit, SETTINGS.delayWarning(), SETTINGS.lifetime());
    }

    /** The group has exactly these fields, in this order (RFC 3464 section 2.3 gives the order). */
    private static void assertFields(Map<String, String> group, String... namesAndValues) {
        Map<String, String> expected = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            expected.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        assertEquals(List.copyOf(expected.entrySet()), List.copyOf(group.entrySet()));
    }

    /** RFC 5322 section 2.3: CR and LF only together, as a line ending. */
    private static void assertCrlfLinesOnly(byte[] message) {
        for (int i = 0; i < message.length; i++) {
            if (message[i] == '\r') {
                assertEquals('\n', message[i + 1], "CR at " + i + " without LF");
            } else if (message[i] == '\n') {
                assertEquals('\r', message[i - 1], "LF at " + i + " without CR");
            }
        }
    }
}
