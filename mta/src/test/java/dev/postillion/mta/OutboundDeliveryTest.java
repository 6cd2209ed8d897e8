package dev.postillion.mta;

import static dev.postillion.mta.SmtpProtocolTest.connect;
import static dev.postillion.mta.SmtpProtocolTest.message;
import static dev.postillion.mta.SmtpProtocolTest.newMailbox;
import static dev.postillion.mta.SmtpProtocolTest.send;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postillion.queue.testing.FakeMx;
import dev.postillion.queue.testing.FakeMx.Transaction;
import jakarta.mail.internet.InternetHeaders;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;

/**
 * Outbound delivery by a real node: SMTP in from a relay network, routing by the node's DNS code
 * against a DNS server of the test's, SMTP out to fake remote MX hosts, results in RocksDB as the
 * queue API shows them, and the queue log. Every test leaves the queue empty.
 */
class OutboundDeliveryTest extends NodeInRemoteWorld {

    /** The destination window at first, set low so that a test can fill it. */
    private static final int INITIAL_WINDOW = 3;
    private static final Duration DEADLINE = Duration.ofSeconds(15);
    private static final Pattern RECEIVED = Pattern.compile(
            "Received: from client\\.test \\(\\[127\\.0\\.0\\.1\\]\\)\r\n"
            + "\tby mx\\.test \\(Postillion\\) with ESMTP id ([0-9A-F]{24})\r\n"
            + "\tfor <([^>]+)>; \\w{3}, \\d{1,2} \\w{3} \\d{4} \\d\\d:\\d\\d:\\d\\d \\+0000\r\n");

    static FakeMx mx;
    static FakeMx reuse;
    static FakeMx burst;
    static FakeMx sevenBit;
    static QueueLog queueLog;

    @BeforeAll
    static void start() throws IOException {
        mx = startWorld().mx();
        reuse = world.direct("reuse.test");
        burst = world.direct("burst.test");
        sevenBit = world.direct("seven-bit.test").without(FakeMx.Extension.EIGHTBITMIME);
        world.ownMx("down.test");
        world.dns().mx("down.test", 10, RemoteWorld.PREFERRED_MX)
                .nullMx("nullmx.test")
                .servfail("broken.test");
        // nowhere.test has no records at all: NXDOMAIN.
        queueLog = new QueueLog();
        startNode(Map.of("postillion.delivery.destination.initial-destination-concurrency", INITIAL_WINDOW));
    }

    @AfterAll
    static void stopLog() {
        queueLog.close();
    }

    /** What a test leaves deferred goes, so that the next one starts with an empty queue. */
    @AfterEach
    void emptyTheQueue() {
        queue.ids("").forEach(queue::delete);
        queue.awaitEmpty();
    }

    @Test
    void relayedMailGoesToTheNextMxHostWhenThePreferredOneRefusesConnections() throws IOException {
        String content = message("relayed by mx");
        String id;
        try (SmtpClient smtp = connect(node)) {
            id = send(smtp, "<a@sender.test>", content, "anna@remote.test");
        }

        Transaction received = awaitTransaction(mx, "<relayed-by-mx@sender.test>");
        assertEquals("a@sender.test", received.sender());
        assertEquals(List.of(new FakeMx.Recipient("anna@remote.test", Map.of())), received.recipients());
        assertEquals(Map.of("SIZE", String.valueOf(received.content().length)), received.mailParameters());
        String text = received.text();
        Matcher trace = RECEIVED.matcher(text);
        assertTrue(trace.lookingAt(), text);
        assertEquals(id, trace.group(1));
        assertEquals("anna@remote.test", trace.group(2));
        assertEquals(content, text.substring(trace.end()), "the content after our Received header");

        queue.awaitGone(id);
        assertEquals(List.of(), queue.list(""));
        assertTrue(world.dns().queries(RemoteWorld.PREFERRED_MX, Type.A) > 0, "the preferred MX host was looked up");
        assertTrue(queueLog.lines(id).get(0).contains(", relay=" + RemoteWorld.MX + "[127.0.0.1]:" + mx.port() + ", "),
                queueLog.lines(id).toString());
    }

    /**
     * RFC 6152 section 3 asks for 8BITMIME only for 8-bit data: 7-bit content its client declared
     * BODY=8BITMIME goes, without the parameter, to a server that does not offer the extension.
     */
    @Test
    void sevenBitContentDeclared8bitmimeGoesToAServerWithout8bitmime() throws IOException {
        String id;
        try (SmtpClient smtp = connect(node)) {
            id = send(smtp, "<a@sender.test> BODY=8BITMIME", message("declared eight bit"), "anna@seven-bit.test");
        }

        Transaction received = awaitTransaction(sevenBit, "<declared-eight-bit@sender.test>");
        assertEquals(Map.of("SIZE", String.valueOf(received.content().length)), received.mailParameters());
        queue.awaitGone(id);
    }

    @Test
    void whenEveryMxHostRefusesConnectionsTheMessageIsDeferred() throws IOException {
        String id;
        try (SmtpClient smtp = connect(node)) {
            id = send(smtp, "<a@sender.test>", message("nobody listens"), "anna@down.test");
        }
        JsonNode deferred = queue.awaitAttempts(id, 1);
        assertEquals("deferred", deferred.get("state").asText());
        assertEquals("connect to " + RemoteWorld.PREFERRED_MX + "[" + RemoteWorld.REFUSING_ADDRESS + "]:" + mx.port()
                + ": Connection refused", recipient(deferred, 0).get("lastResult").asText());
        assertTrue(queueLog.lines(id).get(0).contains(", relay=none, "), queueLog.lines(id).toString());
        assertTrue(queueLog.lines(id).get(0).contains(", dsn=4.4.1, status=deferred ("), queueLog.lines(id).toString());
    }

    @Test
    void aRecipientDeferredWithA451StaysQueuedUntilRetried() throws IOException {
        String recipient = "later@remote.test";
        String refusal = "451 4.3.0 <later@remote.test>: Temporary lookup failure";
        mx.failRecipient(recipient, 1, refusal);
        String id;
        try (SmtpClient smtp = connect(node)) {
            id = send(smtp, "<a@sender.test>", message("retried later"), recipient);
        }

        JsonNode deferred = queue.awaitAttempts(id, 1);
        Instant looked = Instant.now();
        assertEquals("deferred", deferred.get("state").asText());
        assertEquals(1, deferred.get("attempts").asInt());
        JsonNode state = recipient(deferred, 0);
        assertEquals(recipient, state.get("address").asText());
        assertEquals("pending", state.get("state").asText());
        assertEquals(1, state.get("attempts").asInt());
        assertEquals(describe(refusal, "RCPT TO"), state.get("lastResult").asText());
        // The first retry comes after retry.first (5 minutes) from the attempt.
        Instant next = Instant.parse(deferred.get("nextAttempt").asText());
        Instant arrival = Instant.parse(deferred.get("arrival").asText());
        assertFalse(next.isBefore(arrival.plus(Duration.ofMinutes(5))), next + " vs arrival " + arrival);
        assertFalse(next.isAfter(looked.plus(Duration.ofMinutes(5))), next + " vs " + looked);
        assertTrue(transactionWith(mx, "<retried-later@sender.test>").isEmpty());

        assertEquals(204, queue.operate(id, "retry").statusCode());
        queue.awaitGone(id);
        Transaction delivered = awaitTransaction(mx, "<retried-later@sender.test>");
        assertEquals(List.of(recipient), delivered.recipients().stream().map(FakeMx.Recipient::address).toList());
        assertEquals(List.of(), queue.list(""));
    }

    @Test
    void aNullMxDomainIsReturnedAtOnceWith5110() throws Exception {
        InternetHeaders failed = returnedByDns("x@nullmx.test", "null mx",
                "Domain nullmx.test does not accept mail (null MX)");
        assertEquals("5.1.10", Report.field(failed, "Status"));
    }

    @Test
    void aDomainThatDoesNotExistIsReturnedWith512() throws Exception {
        InternetHeaders failed = returnedByDns("x@nowhere.test", "nxdomain",
                "Host or domain name not found. Name service error for name=nowhere.test type=MX: Host not found");
        assertEquals("5.1.2", Report.field(failed, "Status"));
    }

    /** The sender gets a failure report after the first attempt, which DNS decided without a connection. */
    private InternetHeaders returnedByDns(String recipient, String subject, String reason) throws Exception {
        String sender = newMailbox(node);
        String id;
        try (SmtpClient smtp = connect(node)) {
            id = send(smtp, "<" + sender + ">", message(subject), recipient);
        }
        Report report = Report.awaitIn(mailboxes, sender, Report.FAILURE);
        queue.awaitGone(id);
        assertTrue(report.text().contains("<" + recipient + ">: " + reason), report.text());
        InternetHeaders failed = report.onlyRecipient();
        assertEquals("rfc822; " + recipient, Report.field(failed, "Final-Recipient"));
        assertEquals("failed", Report.field(failed, "Action"));
        assertNull(Report.field(failed, "Remote-MTA"), "no server was asked");
        assertNull(Report.field(failed, "Diagnostic-Code"), "no server answered");
        List<String> attempts = queueLog.lines(id).stream().filter(line -> line.contains(", status=")).toList();
        assertEquals(1, attempts.size(), attempts.toString());
        assertTrue(attempts.get(0).contains(", relay=none, "), attempts.get(0));
        assertTrue(attempts.get(0).contains(", status=bounced ("), attempts.get(0));
        return failed;
    }

    @Test
    void aServerFailureOfDnsDefersWith443AndReportsNothing() throws IOException {
        String sender = newMailbox(node);
        String id;
        try (SmtpClient smtp = connect(node)) {
            id = send(smtp, "<" + sender + ">", message("servfail"), "x@broken.test");
        }
        JsonNode deferred = queue.awaitAttempts(id, 1);
        assertEquals("deferred", deferred.get("state").asText());
        assertEquals("Host or domain name not found. Name service error for name=broken.test type=MX: "
                + "Host not found, try again (server failure)", recipient(deferred, 0).get("lastResult").asText());
        assertTrue(queueLog.lines(id).get(0).contains(", dsn=4.4.3, status=deferred ("), queueLog.lines(id).toString());
        assertNoReportFor(sender);
    }

    /** One line per attempt and recipient, as Postfix's smtp(8) logs them. */
    @Test
    void theQueueLogHasALinePerRecipientAndAttempt() throws IOException {
        mx.failRecipient("soon@remote.test", 1, "451 4.7.1 <soon@remote.test>: Try again later");
        mx.rejectRecipient("gone@remote.test",
                "550 5.1.1 <gone@remote.test>: Recipient address rejected: User unknown");
        String id;
        try (SmtpClient smtp = connect(node)) {
            id = send(smtp, "<" + newMailbox(node) + ">", message("logged"), "ok@remote.test", "soon@remote.test",
                    "gone@remote.test");
        }
        queue.awaitAttempts(id, 1);
        String relay = Pattern.quote(RemoteWorld.MX + "[127.0.0.1]:" + mx.port());
        String server = Pattern.quote("host " + RemoteWorld.MX + "[127.0.0.1] said: ");
        String start = id + ": to=<%s>, relay=" + relay + ", tls=none, dane=off, delay=\\d+\\.\\d\\d, ";
        assertLine(id, start.formatted("ok@remote\\.test") + "dsn=2\\.0\\.0, status=sent \\(" + server
                + "250 2\\.0\\.0 Ok: queued as FAKE\\d+ \\(in reply to end of DATA command\\)\\)");
        assertLine(id, start.formatted("soon@remote\\.test") + "dsn=4\\.7\\.1, status=deferred \\(" + server
                + Pattern.quote("451 4.7.1 <soon@remote.test>: Try again later (in reply to RCPT TO command))"));
        assertLine(id, start.formatted("gone@remote\\.test") + "dsn=5\\.1\\.1, status=bounced \\(" + server
                + Pattern.quote("550 5.1.1 <gone@remote.test>: Recipient address rejected: User unknown "
                        + "(in reply to RCPT TO command))"));
    }

    private static void assertLine(String id, String regex) {
        Pattern pattern = Pattern.compile(regex);
        assertTrue(queueLog.lines(id).stream().anyMatch(line -> pattern.matcher(line).matches()),
                () -> "no line like " + regex + " in " + queueLog.lines(id));
    }

    /** Messages one after the other: each finds the connection the one before left in the cache. */
    @Test
    void messagesOneAfterTheOtherShareOneConnection() throws IOException {
        try (SmtpClient smtp = connect(node)) {
            for (int i = 0; i < 3; i++) {
                queue.awaitGone(send(smtp, "<a@sender.test>", message("sequential " + i), "anna@reuse.test"));
            }
        }
        assertEquals(3, reuse.transactions().size());
        assertEquals(1, reuse.connections());
    }

    /**
     * A burst fills the destination's window: the first messages open a connection each and are
     * held at the end of DATA while the others wait; as each held one ends, a waiting one takes
     * its connection (the window grows meanwhile, so a few more may open).
     */
    @Test
    void aBurstOfMessagesUsesFewerConnectionsThanMessages() throws IOException {
        int messages = 8;
        burst.holdEndOfData();
        List<String> ids = new ArrayList<>();
        try (SmtpClient smtp = connect(node)) {
            for (int i = 0; i < messages; i++) {
                ids.add(send(smtp, "<a@sender.test>", message("burst " + i), "anna@burst.test"));
            }
        }
        await("the window full").atMost(DEADLINE).until(() -> burst.heldAtEndOfData() == INITIAL_WINDOW);
        assertEquals(INITIAL_WINDOW, burst.connections(), "connections while the window is full");
        burst.releaseEndOfData();
        ids.forEach(queue::awaitGone);
        assertEquals(messages, burst.transactions().size());
        assertTrue(burst.connections() <= messages - INITIAL_WINDOW,
                burst.connections() + " connections for " + messages + " messages");
    }

    /** Shutdown closes cached connections politely, with QUIT, before the I/O threads stop. */
    @Test
    void atShutdownCachedConnectionsGetQuit(@TempDir Path otherDir) throws IOException {
        try (RemoteWorld other = RemoteWorld.start()) {
            TestNode stopping = other.startNode(otherDir,
                    Map.of("postillion.delivery.smtp.connection-cache-time", "1m"));
            try (SmtpClient smtp = connect(stopping)) {
                new QueueApi(stopping).awaitGone(send(smtp, "<a@sender.test>", message("cached"), "anna@remote.test"));
            } finally {
                stopping.close();
            }
            List<String> commands = other.mx().commands();
            assertEquals("QUIT", commands.get(commands.size() - 1), commands.toString());
            assertEquals(1, other.mx().connections());
        }
    }

    static String describe(String reply, String command) {
        return "host " + RemoteWorld.MX + "[127.0.0.1] said: " + reply + " (in reply to " + command + " command)";
    }

    static JsonNode recipient(JsonNode message, int index) {
        return message.get("recipients").get(index);
    }

    /** The transaction whose content has this Message-ID, if the server has received it. */
    static Optional<Transaction> transactionWith(FakeMx server, String messageId) {
        return server.transactions().stream().filter(t -> t.text().contains("\r\nMessage-ID: " + messageId + "\r\n"))
                .findFirst();
    }

    static Transaction awaitTransaction(FakeMx server, String messageId) {
        return await("message " + messageId + " at the remote server").atMost(DEADLINE)
                .until(() -> transactionWith(server, messageId), Optional::isPresent).orElseThrow();
    }
}
