package dev.postillion.mta;

import static dev.postillion.mta.SmtpProtocolTest.RECIPIENT_OK;
import static dev.postillion.mta.SmtpProtocolTest.SENDER_OK;
import static dev.postillion.mta.SmtpProtocolTest.connect;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postillion.core.MutableClock;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Greylisting over real SMTP with an injected clock (SPEC section 4): the first attempt of a
 * triplet is deferred, a retry before the delay too, one after it passes, and the triplet passes
 * from then on; a retry after the window starts over; a network whose triplets passed often
 * enough is no longer greylisted; the operator's allow entries and deletions take effect at once.
 */
class GreylistTest {

    static final String GREYLISTED = "451 4.7.1 Greylisted, please try again later";
    private static final String DOMAIN = "grey.example";

    @TempDir static Path dataDir;
    static final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    static TestNode node;
    static final AtomicInteger senders = new AtomicInteger();

    @BeforeAll
    static void start() {
        // The test client is on loopback, which the defaults never greylist. Every test's passes
        // count for the one loopback network: the auto-whitelist has a node of its own.
        node = TestNode.start(dataDir, Map.of(
                "postillion.greylist.allow-networks", List.of(),
                "postillion.greylist.auto-whitelist", 1000), clock);
        node.createMailbox("anna@" + DOMAIN);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void firstAttemptIsDeferredARetryAfterTheDelayPassesAndThenTheTripletPasses() throws IOException {
        String sender = freshSender();
        assertEquals(GREYLISTED, rcpt(sender, "anna@" + DOMAIN));
        clock.advance(Duration.ofMinutes(4));
        assertEquals(GREYLISTED, rcpt(sender, "anna@" + DOMAIN), "inside the 5 minute delay");
        clock.advance(Duration.ofMinutes(2));
        assertEquals(RECIPIENT_OK, rcpt(sender, "anna@" + DOMAIN));
        clock.advance(Duration.ofDays(20));
        assertEquals(RECIPIENT_OK, rcpt(sender, "anna@" + DOMAIN), "a passed triplet keeps passing");
    }

    @Test
    void theNullSenderIsGreylistedAfterData() throws IOException {
        node.createMailbox("bounce-" + letters(senders.incrementAndGet()) + "@" + DOMAIN);
        String recipient = "bounce-" + letters(senders.get()) + "@" + DOMAIN;
        assertEquals(GREYLISTED, bounce(recipient));
        clock.advance(Duration.ofMinutes(6));
        assertTrue(bounce(recipient).startsWith("250 2.0.0 Ok: queued as "));
    }

    /** A bounce to {@code recipient}: RCPT is accepted, the answer comes after DATA. */
    private static String bounce(String recipient) throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<>"));
            assertEquals(RECIPIENT_OK, smtp.command("RCPT TO:<" + recipient + ">"));
            assertEquals(SmtpProtocolTest.START_DATA, smtp.command("DATA"));
            return smtp.command(SmtpProtocolTest.message("Undelivered Mail") + ".");
        }
    }

    @Test
    void aRetryAfterTheRetryWindowStartsOver() throws IOException {
        String sender = freshSender();
        assertEquals(GREYLISTED, rcpt(sender, "anna@" + DOMAIN));
        clock.advance(Duration.ofDays(3));
        assertEquals(GREYLISTED, rcpt(sender, "anna@" + DOMAIN));
        clock.advance(Duration.ofMinutes(6));
        assertEquals(RECIPIENT_OK, rcpt(sender, "anna@" + DOMAIN));
    }

    @Test
    void aPassedTripletUnseenForTheMaximumAgeIsForgotten() throws IOException {
        String sender = freshSender();
        pass(sender, "anna@" + DOMAIN);
        clock.advance(Duration.ofDays(36));
        assertEquals(GREYLISTED, rcpt(sender, "anna@" + DOMAIN));
    }

    @Test
    void perMessageSendersOfOneListMatchTheirRetries() throws IOException {
        String list = "bounces-" + letters(senders.incrementAndGet());
        assertEquals(GREYLISTED, rcpt(list + "-1234@list.example", "anna@" + DOMAIN));
        clock.advance(Duration.ofMinutes(6));
        assertEquals(RECIPIENT_OK, rcpt(list + "-5678+tag@LIST.example", "anna@" + DOMAIN));
    }

    @Test
    void aSenderWithAPipeInItsLocalPartIsDeferredAndThenPasses() throws IOException {
        String sender = "pipe|" + freshSender();
        assertEquals(GREYLISTED, rcpt(sender, "anna@" + DOMAIN));
        clock.advance(Duration.ofMinutes(6));
        assertEquals(RECIPIENT_OK, rcpt(sender, "anna@" + DOMAIN));
        // The pass is written by the triplet's actor after the reply: listed once it has landed.
        await("the triplet listed with its sender, passed").atMost(Duration.ofSeconds(10))
                .until(() -> passedTripletListed(sender));
    }

    private static boolean passedTripletListed(String sender) {
        for (JsonNode entry : QueueApi.json(node.get("/api/v1/greylist?limit=1000")).get("triplets")) {
            if (entry.get("sender").asText().equals(sender) && entry.get("state").asText().equals("passed")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void operatorEntriesAllowAndForget() throws IOException {
        String sender = freshSender();
        pass(sender, "anna@" + DOMAIN);
        // The pass is written by the triplet's actor after the reply: listed once it has landed.
        await("the triplet listed with its sender, passed").atMost(Duration.ofSeconds(10))
                .until(() -> passedTripletListed(sender));
        JsonNode triplet = null;
        for (JsonNode entry : QueueApi.json(node.get("/api/v1/greylist?limit=1000")).get("triplets")) {
            if (entry.get("sender").asText().equals(sender)) {
                triplet = entry;
            }
        }
        assertEquals("passed", triplet.get("state").asText());
        assertEquals("127.0.0.0/24", triplet.get("network").asText());
        assertEquals("anna@" + DOMAIN, triplet.get("recipient").asText());

        String key = URLEncoder.encode(triplet.get("key").asText(), StandardCharsets.UTF_8);
        assertEquals(204, node.delete("/api/v1/greylist/" + key).statusCode());
        assertEquals(GREYLISTED, rcpt(sender, "anna@" + DOMAIN), "a forgotten triplet starts over");
        assertEquals(404, node.delete("/api/v1/greylist/" + key.replace("anna", "nobody")).statusCode());

        HttpResponse<String> allowed = node.post("/api/v1/greylist/allow", "{\"domain\":\"Trusted.example\"}");
        assertEquals(201, allowed.statusCode(), allowed.body());
        assertEquals("{\"key\":\"domain:trusted.example\",\"domain\":\"trusted.example\"}", allowed.body());
        assertEquals("[{\"key\":\"domain:trusted.example\",\"domain\":\"trusted.example\"}]",
                node.get("/api/v1/greylist/allow").body(), "the operator's entries listed");
        assertEquals(RECIPIENT_OK, rcpt("someone@trusted.example", "anna@" + DOMAIN));
        assertEquals(204, node.delete("/api/v1/greylist/domain:trusted.example").statusCode());
        assertEquals("[]", node.get("/api/v1/greylist/allow").body());
        assertEquals(GREYLISTED, rcpt("someone-else@trusted.example", "anna@" + DOMAIN));

        assertEquals(400, node.post("/api/v1/greylist/allow", "{\"network\":\"10.0.0.1/8\"}").statusCode());
        assertEquals(400, node.post("/api/v1/greylist/allow", "{}").statusCode());
    }

    @Test
    void aNetworkWhoseTripletsPassedOftenEnoughIsNoLongerGreylisted() throws IOException {
        // Runs on a node of its own: the other tests' passes count for the same loopback network.
        try (TestNode own = TestNode.start(dataDir.resolve("auto-whitelist"), Map.of(
                "postillion.greylist.allow-networks", List.of(),
                "postillion.greylist.auto-whitelist", 2), clock)) {
            own.createMailbox("bob@" + DOMAIN);
            for (int i = 0; i < 2; i++) {
                String sender = freshSender();
                assertEquals(GREYLISTED, rcpt(own, sender, "bob@" + DOMAIN));
                clock.advance(Duration.ofMinutes(6));
                assertEquals(RECIPIENT_OK, rcpt(own, sender, "bob@" + DOMAIN));
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> rcpt(own, freshSender(), "bob@" + DOMAIN).equals(RECIPIENT_OK));
        }
    }

    @Test
    void entriesUnseenForTheMaximumAgeAreSweptAndAWhitelistLapses() throws IOException {
        try (TestNode own = TestNode.start(dataDir.resolve("sweep"), Map.of(
                "postillion.greylist.allow-networks", List.of(),
                "postillion.greylist.auto-whitelist", 1,
                "postillion.greylist.sweep-interval", "100ms"), clock)) {
            own.createMailbox("fred@" + DOMAIN);
            String sender = freshSender();
            pass(own, sender, "fred@" + DOMAIN);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> rcpt(own, freshSender(), "fred@" + DOMAIN).equals(RECIPIENT_OK));
            // Checks that ran before the whitelist took effect left triplets of their own.
            assertTrue(triplets(own).stream().anyMatch(triplet -> triplet.get("sender").asText().equals(sender)),
                    "the passed triplet is kept while it is young");

            clock.advance(Duration.ofDays(36));
            await().atMost(Duration.ofSeconds(10)).until(() -> triplets(own).isEmpty());
            assertEquals(GREYLISTED, rcpt(own, freshSender(), "fred@" + DOMAIN),
                    "no triplet of the network passed for the maximum age: it is greylisted again");
        }
    }

    private static List<JsonNode> triplets(TestNode on) throws IOException {
        List<JsonNode> triplets = new ArrayList<>();
        QueueApi.json(on.get("/api/v1/greylist?limit=1000")).get("triplets").forEach(triplets::add);
        return triplets;
    }

    @Test
    void anAutoWhitelistOfZeroIsOff() throws IOException {
        try (TestNode own = TestNode.start(dataDir.resolve("auto-whitelist-off"), Map.of(
                "postillion.greylist.allow-networks", List.of(),
                "postillion.greylist.auto-whitelist", 0), clock)) {
            own.createMailbox("erik@" + DOMAIN);
            String sender = freshSender();
            assertEquals(GREYLISTED, rcpt(own, sender, "erik@" + DOMAIN));
            clock.advance(Duration.ofMinutes(6));
            assertEquals(RECIPIENT_OK, rcpt(own, sender, "erik@" + DOMAIN));
            assertEquals(GREYLISTED, rcpt(own, freshSender(), "erik@" + DOMAIN), "a passed triplet whitelists nothing");
        }
    }

    @Test
    void relayClientsAreNeverGreylisted() throws IOException {
        try (TestNode relaying = TestNode.start(dataDir.resolve("relay"), Map.of(
                "postillion.greylist.allow-networks", List.of(),
                "postillion.smtp.relay-networks", List.of("127.0.0.0/8")), clock)) {
            relaying.createMailbox("carl@" + DOMAIN);
            assertEquals(RECIPIENT_OK, rcpt(relaying, freshSender(), "carl@" + DOMAIN));
        }
    }

    @Test
    void greylistingCanBeTurnedOff() throws IOException {
        try (TestNode off = TestNode.start(dataDir.resolve("off"), Map.of(
                "postillion.greylist.allow-networks", List.of(),
                "postillion.greylist.enabled", false), clock)) {
            off.createMailbox("dora@" + DOMAIN);
            assertEquals(RECIPIENT_OK, rcpt(off, freshSender(), "dora@" + DOMAIN));
        }
    }

    private static void pass(String sender, String recipient) throws IOException {
        pass(node, sender, recipient);
    }

    private static void pass(TestNode on, String sender, String recipient) throws IOException {
        assertEquals(GREYLISTED, rcpt(on, sender, recipient));
        clock.advance(Duration.ofMinutes(6));
        assertEquals(RECIPIENT_OK, rcpt(on, sender, recipient));
    }

    /** A sender of its own triplet: letters only, as digit runs would be folded into one. */
    private static String freshSender() {
        return "sender-" + letters(senders.incrementAndGet()) + "@sender.example";
    }

    private static String letters(int number) {
        StringBuilder letters = new StringBuilder();
        for (int n = number; n > 0; n /= 26) {
            letters.append((char) ('a' + n % 26));
        }
        return letters.toString();
    }

    private static String rcpt(String sender, String recipient) throws IOException {
        return rcpt(node, sender, recipient);
    }

    /** One attempt: MAIL, then the reply to RCPT; the transaction ends there. */
    private static String rcpt(TestNode on, String sender, String recipient) throws IOException {
        try (SmtpClient smtp = connect(on)) {
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<" + sender + ">"));
            String reply = smtp.command("RCPT TO:<" + recipient + ">");
            smtp.command("QUIT");
            return reply;
        }
    }
}
