package dev.postillion.mta;

import static dev.postillion.mta.AdminApiTest.assertError;
import static dev.postillion.mta.OutboundDeliveryTest.awaitTransaction;
import static dev.postillion.mta.OutboundDeliveryTest.describe;
import static dev.postillion.mta.OutboundDeliveryTest.recipient;
import static dev.postillion.mta.SmtpProtocolTest.connect;
import static dev.postillion.mta.SmtpProtocolTest.message;
import static dev.postillion.mta.SmtpProtocolTest.newMailbox;
import static dev.postillion.mta.SmtpProtocolTest.send;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postillion.queue.testing.FakeMx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/v1/queue} over HTTP against a real node whose messages wait for real reasons: a
 * remote server that answers 451 for some recipients, and one that holds its reply to the end of
 * DATA, so that a message stays under way. Every test leaves the queue empty.
 */
class QueueAdminApiTest extends NodeInRemoteWorld {

    private static final String BUSY = "451 4.2.0 Mailbox busy";
    private static final AtomicInteger MESSAGES = new AtomicInteger();
    private static final Map<String, String> MESSAGE_IDS = new ConcurrentHashMap<>();

    static FakeMx mx;
    static FakeMx slow;

    @BeforeAll
    static void start() throws IOException {
        mx = startWorld().mx();
        mx.rejectRecipient("wait@remote.test", BUSY).rejectRecipient("wait@other.test", BUSY);
        world.viaMx("other.test");
        slow = world.direct("slow.test");
        startNode(Map.of());
    }

    @AfterEach
    void emptyTheQueue() {
        slow.releaseEndOfData();
        queue.ids("").forEach(id -> assertEquals(204, queue.delete(id).statusCode()));
        queue.awaitEmpty();
    }

    @Test
    void theListingIsFilteredByStateDomainAndSender() throws IOException {
        String deferred = deferred("<a@one.test>", "wait@remote.test");
        String otherDomain = deferred("<b@two.test>", "wait@other.test");
        String nullSender = deferred("<>", "wait@remote.test");
        String held = deferred("<a@one.test>", "wait@remote.test");
        assertEquals(204, queue.operate(held, "hold").statusCode());
        slow.holdEndOfData();
        String active = sendOne("<c@three.test>", "x@slow.test");
        await("delivery under way").atMost(Duration.ofSeconds(15)).until(() -> slow.heldAtEndOfData() == 1);

        assertEquals(List.of(deferred, otherDomain, nullSender, held, active), queue.ids(""));
        assertEquals(List.of(deferred, otherDomain, nullSender), queue.ids("state=deferred"));
        assertEquals(List.of(held), queue.ids("state=hold"));
        assertEquals(List.of(active), queue.ids("state=active"));
        assertEquals(List.of(otherDomain), queue.ids("domain=other.test"));
        assertEquals(List.of(deferred, nullSender, held), queue.ids("domain=Remote.Test"));
        assertEquals(List.of(deferred, held), queue.ids("sender=a@one.test"));
        assertEquals(List.of(nullSender), queue.ids("sender=" + QueueApi.encode("<>")));
        assertEquals(List.of(held), queue.ids("state=hold&sender=a@one.test&domain=remote.test"));
        assertEquals(List.of(), queue.ids("state=active&domain=remote.test"));
        assertError(400, "parameter 'state' must be active, deferred or hold, not 'queued'",
                node.get(QueueApi.PATH + "?state=queued"));
        assertError(400, "parameter 'limit' must be at least 1", node.get(QueueApi.PATH + "?limit=0"));

        slow.releaseEndOfData();
        queue.awaitGone(active);
    }

    @Test
    void theListingIsPagedWithLimitAndNext() throws IOException {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(deferred("<a@one.test>", "wait@remote.test"));
        }
        JsonNode first = queue.page("limit=2");
        assertEquals(ids.subList(0, 2), QueueApi.ids(first));
        assertEquals(ids.get(1), first.get("next").asText());
        JsonNode second = queue.page("limit=2&after=" + first.get("next").asText());
        assertEquals(ids.subList(2, 3), QueueApi.ids(second));
        assertTrue(second.get("next").isNull(), second.toString());
        assertEquals(ids.subList(1, 3), QueueApi.ids(queue.page("state=deferred&after=" + ids.get(0))));
    }

    /** A cluster of one: its messages are on this node, and the listing says this node answered. */
    @Test
    void eachMessageShowsItsNodeAndTheListingTheNodesThatAnswered() throws IOException {
        String id = deferred("<a@one.test>", "wait@remote.test");
        String self = QueueApi.json(node.get("/api/v1/cluster")).get("members").get(0).get("address").asText();

        JsonNode page = queue.page("");
        assertEquals(self, page.get("messages").get(0).get("node").asText());
        assertEquals(self, queue.message(id).get("node").asText());
        assertEquals("[{\"node\":\"" + self + "\",\"answered\":true,\"reason\":null}]", page.get("nodes").toString());
        assertEquals("[{\"node\":\"" + self + "\",\"answered\":true,\"reason\":null}]",
                QueueApi.json(queue.flush("nowhere.test")).get("nodes").toString());
    }

    @Test
    void oneMessageShowsItsEnvelopeAttemptsAndEachRecipient() throws IOException {
        Instant before = Instant.now();
        String id = sendOne("<a@one.test>", "wait@remote.test", "ok@remote.test");
        Instant accepted = Instant.now();
        JsonNode message = queue.awaitAttempts(id, 1);

        assertEquals(List.of("id", "state", "sender", "arrival", "attempts", "nextAttempt", "delayWarningSent",
                "recipients", "node", "size"), fieldNames(message));
        assertEquals(id, message.get("id").asText());
        assertEquals("deferred", message.get("state").asText());
        assertEquals("a@one.test", message.get("sender").asText());
        Instant arrival = Instant.parse(message.get("arrival").asText());
        assertFalse(arrival.isBefore(before) || arrival.isAfter(accepted), arrival.toString());
        assertEquals(1, message.get("attempts").asInt());
        assertTrue(Instant.parse(message.get("nextAttempt").asText()).isAfter(arrival));
        assertFalse(message.get("delayWarningSent").asBoolean());

        JsonNode waiting = recipient(message, 0);
        assertEquals(List.of("address", "state", "attempts", "lastResult"), fieldNames(waiting));
        assertEquals("wait@remote.test", waiting.get("address").asText());
        assertEquals("pending", waiting.get("state").asText());
        assertEquals(1, waiting.get("attempts").asInt());
        assertEquals(describe(BUSY, "RCPT TO"), waiting.get("lastResult").asText());
        JsonNode delivered = recipient(message, 1);
        assertEquals("ok@remote.test", delivered.get("address").asText());
        assertEquals("delivered", delivered.get("state").asText());
        assertEquals(1, delivered.get("attempts").asInt());
        FakeMx.Transaction received = awaitTransaction(mx, messageIdOf(id));
        assertEquals(describe(received.reply(), "end of DATA"), delivered.get("lastResult").asText());
        assertEquals(received.content().length, message.get("size").asInt(), "the size of the message as queued");
        JsonNode listed = queue.list("").stream().filter(entry -> entry.get("id").asText().equals(id)).findFirst()
                .orElseThrow();
        assertEquals(message.get("size"), listed.get("size"), "the listing's size, from the message's record");
    }

    @Test
    void aHeldMessageIsNotAttemptedNorRetriedUntilReleased() throws IOException {
        mx.failRecipient("once@remote.test", 1, BUSY);
        String id = deferred("<a@one.test>", "once@remote.test");

        assertEquals(204, queue.operate(id, "hold").statusCode());
        JsonNode status = QueueApi.json(node.get("/api/v1/status"));
        assertEquals("{\"active\":0,\"deferred\":0,\"hold\":1}", status.get("queue").toString(), "the status's queue");
        assertEquals("accepting", status.get("health").get("status").asText());
        assertTrue(status.get("members").get(0).get("self").asBoolean(), status.toString());
        JsonNode held = queue.message(id);
        assertEquals("hold", held.get("state").asText());
        assertTrue(held.get("nextAttempt").isNull(), held.toString());
        assertEquals(Map.of("retried", 0), retried(queue.flush("remote.test")));
        assertError(409, "message " + id + " is on hold; release it first", queue.operate(id, "retry"));
        assertEquals(1, queue.message(id).get("attempts").asInt(), "a held message was attempted");

        assertEquals(204, queue.operate(id, "release").statusCode());
        queue.awaitGone(id);
        awaitTransaction(mx, messageIdOf(id));
    }

    @Test
    void deleteRemovesAMessageWithoutAReport() throws IOException {
        String sender = newMailbox(node);
        String id = deferred("<" + sender + ">", "wait@remote.test");
        assertEquals(204, queue.delete(id).statusCode());
        assertError(404, "no message " + id + " in the queue", queue.get(id));
        assertNoReportFor(sender);
    }

    @Test
    void bounceReturnsTheMessageToItsSender() throws Exception {
        String sender = newMailbox(node);
        PrometheusText before = PrometheusText.of(node);
        String id = deferred("<" + sender + ">", "wait@remote.test");
        assertEquals(1.0, delivered(before, "smtp", "deferred"), "the deferral is counted");
        assertEquals(Optional.of(1.0), PrometheusText.of(node).value("postillion_queue_messages",
                Map.of("state", "deferred")));
        assertEquals(204, queue.operate(id, "bounce").statusCode());

        Report report = Report.awaitIn(mailboxes, sender, Report.FAILURE);
        String line = "<wait@remote.test>: returned to the sender by the mail system administrator";
        assertTrue(report.text().contains(line), report.text());
        assertEquals("failed", Report.field(report.onlyRecipient(), "Action"));
        assertEquals("5.0.0", Report.field(report.onlyRecipient(), "Status"));
        queue.awaitGone(id);
        assertEquals(1.0, delivered(before, "smtp", "bounced"), "the operator's bounce is counted");
        await().untilAsserted(() -> assertEquals(1.0, delivered(before, "mailbox", "sent"), "so is the report's delivery"));
        assertEquals(Optional.of(0.0), PrometheusText.of(node).value("postillion_queue_messages",
                Map.of("state", "deferred")));
    }

    /** How many more recipients' outcomes of this transport and status the node has counted since {@code before}. */
    private static double delivered(PrometheusText before, String transport, String status) {
        Map<String, String> labels = Map.of("transport", transport, "status", status);
        return PrometheusText.of(node).valueOrZero("postillion_deliveries_total", labels)
                - before.valueOrZero("postillion_deliveries_total", labels);
    }

    @Test
    void flushRetriesTheMessagesForADomainNow() throws IOException {
        String first = deferred("<a@one.test>", "wait@remote.test");
        String second = deferred("<b@two.test>", "wait@remote.test");
        String elsewhere = deferred("<a@one.test>", "wait@other.test");

        PrometheusText before = PrometheusText.of(node);
        assertEquals(Map.of("retried", 2), retried(queue.flush("remote.test")));
        queue.awaitAttempts(first, 2);
        queue.awaitAttempts(second, 2);
        assertEquals(1, queue.message(elsewhere).get("attempts").asInt());
        assertEquals(2.0, delivered(before, "smtp", "deferred"), "each retry's deferral is counted");
    }

    @Test
    void badAndUnknownIdsAndMissingTokensAreJsonErrors() throws IOException {
        assertError(400, "'not-an-id' is not a queue id", queue.get("not-an-id"));
        assertError(400, "'not-an-id' is not a queue id", queue.operate("not-an-id", "hold"));
        String gone = sendOne("<a@one.test>", "ok@remote.test");
        queue.awaitGone(gone);
        String notQueued = "no message " + gone + " in the queue";
        assertError(404, notQueued, queue.get(gone));
        for (String operation : List.of("retry", "hold", "release", "bounce")) {
            assertError(404, notQueued, queue.operate(gone, operation));
        }
        assertError(404, notQueued, queue.delete(gone));

        URI listing = URI.create("http://127.0.0.1:" + node.node().adminPort() + QueueApi.PATH);
        assertError(401, "Authorization", node.send(HttpRequest.newBuilder(listing).GET()));
        assertError(401, "Authorization", node.send(HttpRequest.newBuilder(listing.resolve(QueueApi.PATH + "/flush"))
                .POST(HttpRequest.BodyPublishers.noBody())));
    }

    /** Sends a message and waits until its first attempt has deferred it. */
    private static String deferred(String reversePath, String recipient) throws IOException {
        String id = sendOne(reversePath, recipient);
        assertEquals("deferred", queue.awaitAttempts(id, 1).get("state").asText());
        return id;
    }

    /** One message over its own session, with a Message-ID of its own; returns its queue id. */
    private static String sendOne(String reversePath, String... recipients) throws IOException {
        int number = MESSAGES.incrementAndGet();
        try (SmtpClient smtp = connect(node)) {
            String id = send(smtp, reversePath, message("queued " + number), recipients);
            MESSAGE_IDS.put(id, "<queued-" + number + "@sender.test>");
            return id;
        }
    }

    /** The Message-ID of what {@link #sendOne} queued as {@code id}. */
    private static String messageIdOf(String id) {
        return MESSAGE_IDS.get(id);
    }

    private static Map<String, Integer> retried(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        return Map.of("retried", QueueApi.json(response).get("retried").asInt());
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
