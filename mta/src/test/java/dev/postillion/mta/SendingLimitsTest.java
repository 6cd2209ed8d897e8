package dev.postillion.mta;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.postillion.core.MutableClock;
import dev.postillion.mta.smtp.ListenerRole;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits on what one authenticated user sends ({@code postillion.limits.sending}, SPEC section
 * 5) over real sockets and TLS, on a real store, under an injected clock that only the test moves:
 * the exact 451 at MAIL for a message limit and at RCPT for a recipient limit, the hour's and the
 * day's windows rolling over, counting only what the spool took, the per-address override through
 * the admin API, a mail service's defaults between the two, and the listing of senders near their
 * limits. Each test has users of its own, and computes the windows' ends from the clock, since the
 * tests share the node and its clock.
 */
class SendingLimitsTest {

    private static final String DOMAIN = "limits.test";
    private static final String PASSWORD = "secret-password";
    private static final ObjectMapper JSON = new ObjectMapper();
    static final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T09:00:00Z"));

    @TempDir static Path dataDir;
    static TestNode node;
    static SSLContext trust;

    @BeforeAll
    static void start() {
        node = TestNode.start(dataDir, Map.of(
                "postillion.limits.sending.messages-per-hour", 3,
                "postillion.limits.sending.messages-per-day", 5,
                "postillion.limits.sending.recipients-per-hour", 4,
                "postillion.limits.sending.recipients-per-day", 20), clock);
        for (String user : List.of("anna", "bob", "carol", "dave", "erin", "rcpt1", "rcpt2", "rcpt3")) {
            node.createMailbox(user + "@" + DOMAIN);
        }
        trust = TlsTrust.trusting(TlsTrust.generatedCertificate(dataDir));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void theMessageLimitsRefuseAtMailUntilTheHourAndTheDayRollOver() throws IOException {
        String anna = "anna@" + DOMAIN;
        for (int i = 0; i < 3; i++) {
            sent(anna, "rcpt1@" + DOMAIN);
        }
        try (SmtpClient smtp = loggedIn(anna)) {
            assertEquals("451 4.7.1 Rate limit exceeded: 3 messages per hour, resets at " + nextHour(),
                    smtp.command("MAIL FROM:<" + anna + ">"));
            assertEquals("503 5.5.1 Error: need MAIL command", smtp.command("RCPT TO:<rcpt1@" + DOMAIN + ">"),
                    "no transaction began");
        }

        clock.advance(Duration.between(clock.instant(), clock.instant().truncatedTo(ChronoUnit.HOURS).plusSeconds(3600)));
        sent(anna, "rcpt1@" + DOMAIN);
        sent(anna, "rcpt1@" + DOMAIN);
        try (SmtpClient smtp = loggedIn(anna)) {
            assertEquals("451 4.7.1 Rate limit exceeded: 5 messages per day, resets at " + nextDay(),
                    smtp.command("MAIL FROM:<" + anna + ">"), "two in the new hour, but five today");
        }

        clock.advance(Duration.between(clock.instant(), clock.instant().truncatedTo(ChronoUnit.DAYS).plusSeconds(86_400)));
        sent(anna, "rcpt1@" + DOMAIN);
    }

    @Test
    void theRecipientLimitRefusesTheRecipientThatWouldPassItAtRcpt() throws IOException {
        String bob = "bob@" + DOMAIN;
        sent(bob, "rcpt1@" + DOMAIN, "rcpt2@" + DOMAIN, "rcpt3@" + DOMAIN);
        Map<String, String> refusals = Map.of("listener", "submissions", "reason", "rate_limit");
        double refusedBefore = PrometheusText.of(node).valueOrZero("postillion_smtp_rejections_total", refusals);
        String refusal = "451 4.7.1 Rate limit exceeded: 4 recipients per hour, resets at " + nextHour();
        try (SmtpClient smtp = loggedIn(bob)) {
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<" + bob + ">"));
            assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<rcpt1@" + DOMAIN + ">"), "the fourth recipient");
            assertEquals(refusal, smtp.command("RCPT TO:<rcpt2@" + DOMAIN + ">"), "the fifth");
            assertEquals("354 End data with <CR><LF>.<CR><LF>", smtp.command("DATA"));
            assertTrue(smtp.command("From: " + bob + "\r\n\r\nHello.\r\n.").startsWith("250 2.0.0 Ok: queued as "));
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<" + bob + ">"), "two messages of three");
            assertEquals(refusal, smtp.command("RCPT TO:<rcpt3@" + DOMAIN + ">"));
        }
        assertEquals(refusedBefore + 2,
                PrometheusText.of(node).valueOrZero("postillion_smtp_rejections_total", refusals), "refusals counted");
        awaitUsed(bob, "recipientsPerHour", 4);
        JsonNode standing = json(node.get("/api/v1/addresses/" + bob + "/sending-limits"));
        assertEquals(2, standing.get("used").get("messagesPerHour").asInt());
        assertEquals(4, standing.get("used").get("recipientsPerDay").asInt());
    }

    @Test
    void aMessageRefusedAfterDataOrAbandonedIsNotCounted() throws IOException {
        String carol = "carol@" + DOMAIN;
        sent(carol, "rcpt1@" + DOMAIN);
        try (SmtpClient smtp = loggedIn(carol)) {
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<" + carol + ">"));
            smtp.command("RCPT TO:<rcpt1@" + DOMAIN + ">");
            smtp.command("DATA");
            assertEquals("553 5.7.1 Sender denied: auth guards failed",
                    smtp.command("From: someone@bank.example\r\n\r\nPay.\r\n."));
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<" + carol + ">"));
            smtp.command("RCPT TO:<rcpt1@" + DOMAIN + ">");
            assertEquals("250 2.0.0 Ok", smtp.command("RSET"));
        }
        sent(carol, "rcpt2@" + DOMAIN);
        awaitUsed(carol, "messagesPerHour", 2);
        JsonNode standing = json(node.get("/api/v1/addresses/" + carol + "/sending-limits"));
        assertEquals(2, standing.get("used").get("recipientsPerHour").asInt(), "the two messages taken, one each");
    }

    @Test
    void anOverrideThroughTheAdminApiReplacesTheNodesLimitsForOneAddress() throws IOException {
        String dave = "dave@" + DOMAIN;
        String path = "/api/v1/addresses/" + dave + "/sending-limits";
        HttpResponse<String> set = node.put(path, "{\"messagesPerHour\":1,\"recipientsPerDay\":0}");
        assertEquals(200, set.statusCode(), set.body());
        JsonNode standing = json(set);
        assertEquals("{\"messagesPerHour\":1,\"messagesPerDay\":5,\"recipientsPerHour\":4,\"recipientsPerDay\":0}",
                standing.get("limits").toString());
        assertEquals("{\"messagesPerHour\":1,\"recipientsPerDay\":0}", standing.get("override").toString());
        assertEquals(nextHour(), standing.get("hourEnds").asText());
        assertEquals(nextDay(), standing.get("dayEnds").asText());

        sent(dave, "rcpt1@" + DOMAIN);
        awaitUsed(dave, "messagesPerHour", 1);
        try (SmtpClient smtp = loggedIn(dave)) {
            assertEquals("451 4.7.1 Rate limit exceeded: 1 message per hour, resets at " + nextHour(),
                    smtp.command("MAIL FROM:<" + dave + ">"));
        }

        assertEquals(204, node.delete(path).statusCode());
        assertEquals("{}", json(node.get(path)).get("override").toString());
        sent(dave, "rcpt1@" + DOMAIN);
    }

    @Test
    void aServicesDefaultsComeBetweenAnAddresssOverrideAndTheNodesLimits() throws IOException {
        String frank = "frank@plan.test";
        String gina = "gina@plan.test";
        node.createMailboxInService(frank, "plan");
        node.createMailbox(gina);
        HttpResponse<String> set = node.patch("/api/v1/services/plan",
                "{\"sendingLimits\":{\"recipientsPerDay\":7,\"messagesPerHour\":1}}");
        assertEquals(200, set.statusCode(), set.body());
        assertEquals("{\"messagesPerHour\":1,\"recipientsPerDay\":7}", json(set).get("sendingLimits").toString());
        assertEquals("{\"messagesPerHour\":1,\"recipientsPerDay\":7}",
                json(node.get("/api/v1/services/plan")).get("sendingLimits").toString());
        JsonNode standing = json(node.get("/api/v1/addresses/" + frank + "/sending-limits"));
        assertEquals("{\"messagesPerHour\":1,\"messagesPerDay\":5,\"recipientsPerHour\":4,\"recipientsPerDay\":7}",
                standing.get("limits").toString(), "the service's where it has one, else the node's");
        assertEquals("{}", standing.get("override").toString());

        sent(frank, "rcpt1@" + DOMAIN);
        awaitUsed(frank, "messagesPerHour", 1);
        assertRefusedAtMail(frank, "451 4.7.1 Rate limit exceeded: 1 message per hour, resets at " + nextHour());

        assertEquals(200, node.put("/api/v1/addresses/" + gina + "/sending-limits", "{\"messagesPerHour\":2}")
                .statusCode());
        sent(gina, "rcpt1@" + DOMAIN);
        sent(gina, "rcpt1@" + DOMAIN);
        awaitUsed(gina, "messagesPerHour", 2);
        assertRefusedAtMail(gina, "451 4.7.1 Rate limit exceeded: 2 messages per hour, resets at " + nextHour());

        HttpResponse<String> removed = node.patch("/api/v1/services/plan", "{\"sendingLimits\":{\"messagesPerHour\":null}}");
        assertEquals("{\"recipientsPerDay\":7}", json(removed).get("sendingLimits").toString());
        sent(frank, "rcpt1@" + DOMAIN);
        sent(frank, "rcpt1@" + DOMAIN);
        awaitUsed(frank, "messagesPerHour", 3);
        assertRefusedAtMail(frank, "451 4.7.1 Rate limit exceeded: 3 messages per hour, resets at " + nextHour());
        assertEquals("{}", json(node.patch("/api/v1/services/plan", "{\"sendingLimits\":null}"))
                .get("sendingLimits").toString());
        assertEquals("{\"messagesPerHour\":3,\"messagesPerDay\":5,\"recipientsPerHour\":4,\"recipientsPerDay\":20}",
                json(node.get("/api/v1/addresses/" + frank + "/sending-limits")).get("limits").toString());
    }

    @Test
    void theAdminApiRefusesBadServiceDefaults() {
        assertEquals(201, node.post("/api/v1/services", "{\"name\":\"strict\",\"addressQuota\":null}").statusCode());
        Map.of("{\"sendingLimits\":{\"messagesPerHour\":-1}}",
                        "{\"error\":\"'messagesPerHour' must be a whole number of 0 (no limit) or more\"}",
                "{\"sendingLimits\":{\"messagesPerMinute\":5}}", "{\"error\":\"unknown field 'messagesPerMinute';"
                        + " expected messagesPerDay, messagesPerHour, recipientsPerDay, recipientsPerHour\"}",
                "{\"sendingLimits\":5}",
                        "{\"error\":\"field 'sendingLimits' must be an object of limits, or null to remove them all\"}",
                "{\"maintenance\":\"yes\"}", "{\"error\":\"field 'maintenance' must be true or false\"}",
                "{}", "{\"error\":\"nothing to change: give addressQuota, maintenance or sendingLimits\"}")
                .forEach((body, error) -> {
                    HttpResponse<String> refused = node.patch("/api/v1/services/strict", body);
                    assertEquals(400, refused.statusCode(), body);
                    assertEquals(error, refused.body(), body);
                });
    }

    @Test
    void theAdminApiRefusesBadOverridesAndUnknownAddresses() {
        String path = "/api/v1/addresses/erin@" + DOMAIN + "/sending-limits";
        HttpResponse<String> unknown = node.put(path, "{\"messagesPerMinute\":5}");
        assertEquals(400, unknown.statusCode());
        assertTrue(unknown.body().contains("messagesPerMinute"), unknown.body());
        HttpResponse<String> negative = node.put(path, "{\"messagesPerHour\":-1}");
        assertEquals(400, negative.statusCode());
        assertEquals("{\"error\":\"'messagesPerHour' must be a whole number of 0 (no limit) or more\"}",
                negative.body());
        assertEquals(404, node.get("/api/v1/addresses/nobody@" + DOMAIN + "/sending-limits").statusCode());
        HttpResponse<String> share = node.get("/api/v1/sending-limits?near=2");
        assertEquals(400, share.statusCode());
        assertEquals("{\"error\":\"parameter 'near' must be a share of a limit from 0 to 1, such as 0.8, not '2'\"}",
                share.body());
    }

    @Test
    void theOperatorSeesTheSendersNearTheirLimitsNearestFirst() throws IOException {
        String erin = "erin@" + DOMAIN;
        assertEquals(200, node.put("/api/v1/addresses/" + erin + "/sending-limits",
                "{\"messagesPerHour\":10,\"messagesPerDay\":10,\"recipientsPerHour\":10,\"recipientsPerDay\":10}")
                .statusCode());
        for (int i = 0; i < 9; i++) {
            sent(erin, "rcpt1@" + DOMAIN);
        }
        awaitUsed(erin, "messagesPerDay", 9);

        JsonNode near = json(node.get("/api/v1/sending-limits?near=0.85")).get("senders");
        JsonNode listed = entry(near, erin);
        assertEquals(0.9, listed.get("nearest").asDouble());
        assertEquals(9, listed.get("used").get("messagesPerDay").asInt());
        assertEquals(10, listed.get("limits").get("messagesPerDay").asInt());
        for (JsonNode sender : near) {
            assertTrue(sender.get("nearest").asDouble() >= 0.85, sender.toString());
        }
        JsonNode all = json(node.get("/api/v1/sending-limits?near=0")).get("senders");
        for (int i = 1; i < all.size(); i++) {
            assertTrue(all.get(i - 1).get("nearest").asDouble() >= all.get(i).get("nearest").asDouble(), all.toString());
        }
        assertEquals(1, json(node.get("/api/v1/sending-limits?near=0&limit=1")).get("senders").size());
    }

    private static JsonNode entry(JsonNode senders, String address) {
        for (JsonNode sender : senders) {
            if (sender.get("address").asText().equals(address)) {
                return sender;
            }
        }
        throw new AssertionError(address + " not listed in " + senders);
    }

    private static void assertRefusedAtMail(String user, String refusal) throws IOException {
        try (SmtpClient smtp = loggedIn(user)) {
            assertEquals(refusal, smtp.command("MAIL FROM:<" + user + ">"));
        }
    }

    /** The counts reach the sender's counter after the 250; later steps wait for them. */
    private static void awaitUsed(String address, String limit, int count) {
        await(address + "'s " + limit).atMost(Duration.ofSeconds(10)).until(() ->
                json(node.get("/api/v1/addresses/" + address + "/sending-limits")).get("used").get(limit).asInt() == count);
    }

    private static String nextHour() {
        return clock.instant().truncatedTo(ChronoUnit.HOURS).plusSeconds(3600).toString();
    }

    private static String nextDay() {
        return clock.instant().truncatedTo(ChronoUnit.DAYS).plusSeconds(86_400).toString();
    }

    /** Sends one message as {@code user} to {@code recipients} over the submissions port. */
    private static void sent(String user, String... recipients) throws IOException {
        try (SmtpClient smtp = loggedIn(user)) {
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<" + user + ">"));
            for (String recipient : recipients) {
                assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + recipient + ">"));
            }
            assertEquals("354 End data with <CR><LF>.<CR><LF>", smtp.command("DATA"));
            String queued = smtp.command("From: " + user + "\r\nSubject: limits\r\n\r\nHello.\r\n.");
            assertTrue(queued.startsWith("250 2.0.0 Ok: queued as "), queued);
        }
    }

    private static SmtpClient loggedIn(String user) throws IOException {
        SmtpClient smtp = new SmtpClient(node.smtpPort(ListenerRole.SUBMISSIONS), trust);
        assertTrue(smtp.reply().startsWith("220 "));
        smtp.command("EHLO client.test");
        assertEquals("235 2.7.0 Authentication successful", smtp.command("AUTH PLAIN " + Base64.getEncoder()
                .encodeToString(("\0" + user + "\0" + PASSWORD).getBytes(StandardCharsets.UTF_8))));
        return smtp;
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError(response.body(), e);
        }
    }
}
