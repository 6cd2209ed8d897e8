package dev.postillion.mta;

import static dev.postillion.mta.SmtpProtocolTest.connect;
import static dev.postillion.mta.SmtpProtocolTest.send;
import static dev.postillion.mta.SmtpProtocolTest.transaction;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.postillion.mta.policy.spam.RspamdClient;
import dev.postillion.mta.policy.spam.SpamFilter;
import dev.postillion.mta.policy.spam.SpamSettings;
import dev.postillion.mta.policy.spam.SpamVerdict;
import dev.postillion.mta.smtp.ListenerRole;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spam filter with a real Rspamd (Debian's, started by {@link RspamdServer}) over real SMTP
 * (SPEC section 4): GTUBE goes to Junk and clean mail to the INBOX, unless the address turned its
 * filter off or allow-lists the sender; mode reject refuses it when every recipient would; the
 * X-Spam fields are written; reports teach Rspamd and move the message; large messages are not
 * sent; our users' mail is not scanned; and with Rspamd stopped, mail is accepted unscanned
 * (counted) or deferred when told to, and reports are refused (503) moving nothing; a report of
 * a message encrypted at rest moves it untaught.
 * Two nodes share the one Rspamd: one in mode junk, one in mode reject with on-failure tempfail.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpamFilterTest {

    /** The Generic Test for Unsolicited Bulk Email: every Rspamd scores it 15, action reject. */
    private static final String GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";
    private static final String DOMAIN = "filtered.example";
    private static final String SPAM_REJECTED = "554 5.7.1 Message rejected as spam by the recipient's spam filter";

    @TempDir static Path rspamdDir;
    @TempDir static Path junkDir;
    @TempDir static Path rejectDir;
    static RspamdServer rspamd;
    static TestNode junk;
    static TestNode reject;

    @BeforeAll
    static void start() throws IOException {
        rspamd = RspamdServer.start(rspamdDir);
        junk = TestNode.start(junkDir, Map.of("postillion.spam.rspamd.url", rspamd.scannerUrl(),
                "postillion.spam.rspamd.controller-url", rspamd.controllerUrl(),
                "postillion.spam.rspamd.password", RspamdServer.PASSWORD,
                "postillion.spam.rspamd.timeout", "5s",
                "postillion.spam.max-size", "64KiB"), Clock.systemUTC());
        reject = TestNode.start(rejectDir, Map.of("postillion.spam.rspamd.url", rspamd.scannerUrl(),
                "postillion.spam.rspamd.timeout", "5s",
                "postillion.spam.mode", "reject",
                "postillion.spam.on-failure", "tempfail"), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closing : new AutoCloseable[] {junk, reject, rspamd}) {
            try {
                if (closing != null) {
                    closing.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    @Order(1)
    void gtubeGoesToJunkAndCleanMailToTheInboxWithTheSpamFields() throws IOException {
        String anna = mailbox(junk, "anna");
        JsonNode spam = delivered(junk, anna, "sender@world.example", message("Cheap offer", GTUBE));
        assertEquals("Junk", spam.get("folder").asText());
        String stored = new MailboxReader(junk).raw(anna, spam);
        assertTrue(stored.contains("\r\nX-Spam-Status: Yes, score=15.00 required=6.00 action=reject tests=GTUBE\r\n"
                + "X-Spam-Score: 15.00\r\n"), stored);

        JsonNode clean = delivered(junk, anna, "sender@world.example", message("Lunch", "See you at noon."));
        assertEquals("INBOX", clean.get("folder").asText());
        assertTrue(new MailboxReader(junk).raw(anna, clean).contains("\r\nX-Spam-Status: No, score="));
        PrometheusText metrics = PrometheusText.of(junk);
        assertTrue(metrics.valueOrZero("postillion_spam_checks_total", Map.of("result", "spam")) >= 1);
        assertTrue(metrics.valueOrZero("postillion_spam_checks_total", Map.of("result", "ham")) >= 1);
    }

    @Test
    @Order(2)
    void anAddressWithTheFilterOffOrAllowingTheSenderGetsSpamInItsInbox() throws IOException {
        String bert = mailbox(junk, "bert");
        HttpResponse<String> off = junk.patch("/api/v1/addresses/" + bert, "{\"spamFilter\":false}");
        assertEquals(200, off.statusCode(), off.body());
        assertEquals("INBOX", delivered(junk, bert, "sender@world.example", message("Unfiltered", GTUBE))
                .get("folder").asText());

        String cleo = mailbox(junk, "cleo");
        HttpResponse<String> lists = junk.put("/api/v1/addresses/" + cleo + "/lists",
                "{\"allow\":[\"@friends.example\"],\"block\":[]}");
        assertEquals(200, lists.statusCode(), lists.body());
        assertEquals("INBOX", delivered(junk, cleo, "pal@friends.example", message("From a friend", GTUBE))
                .get("folder").asText());
        assertEquals("Junk", delivered(junk, cleo, "other@world.example", message("From a stranger", GTUBE))
                .get("folder").asText());
    }

    @Test
    @Order(3)
    void aMessageOverMaxSizeIsNotScanned() throws IOException {
        String dora = mailbox(junk, "dora");
        double before = PrometheusText.of(junk).valueOrZero("postillion_spam_checks_total",
                Map.of("result", "too_large"));
        JsonNode large = delivered(junk, dora, "sender@world.example",
                message("Large", GTUBE + "\r\n" + "filler line of a large message\r\n".repeat(3000)));
        assertEquals("INBOX", large.get("folder").asText());
        assertFalse(new MailboxReader(junk).raw(dora, large).contains("X-Spam-Status"));
        assertEquals(before + 1, PrometheusText.of(junk).valueOrZero("postillion_spam_checks_total",
                Map.of("result", "too_large")));
    }

    @Test
    @Order(4)
    void reportsTeachRspamdAndMoveTheMessage() throws IOException, InterruptedException {
        String emil = mailbox(junk, "emil");
        JsonNode clean = delivered(junk, emil, "promo@world.example", message("Weekly deals",
                "Our weekly deals on garden furniture, barbecue grills, outdoor lighting, camping gear and"
                        + " picnic baskets are here: order before Friday for free delivery to your door."));
        assertEquals("INBOX", clean.get("folder").asText());
        long learnedBefore = rspamd.learned();

        HttpResponse<String> reported = junk.post(report(emil, clean.get("uid").asLong()),
                "{\"verdict\":\"spam\",\"folder\":\"INBOX\"}");
        assertEquals(200, reported.statusCode(), reported.body());
        JsonNode answer = QueueApi.json(reported);
        assertEquals("spam", answer.get("verdict").asText());
        assertTrue(answer.get("learned").asBoolean(), reported.body());
        assertTrue(answer.get("reason").isNull());
        assertEquals("Junk", answer.get("folder").asText());
        assertEquals(learnedBefore + 1, rspamd.learned(), "Rspamd's statistics learned the message");
        List<JsonNode> listed = new MailboxReader(junk).messages(emil);
        assertEquals(1, listed.size());
        assertEquals("Junk", listed.get(0).get("folder").asText());
        assertEquals(answer.get("uid").asLong(), listed.get(0).get("uid").asLong());

        // Reported again: Rspamd knows it, says so, and the message stays where the user put it.
        HttpResponse<String> again = junk.post(report(emil, answer.get("uid").asLong()),
                "{\"verdict\":\"spam\",\"folder\":\"Junk\"}");
        assertEquals(200, again.statusCode(), again.body());
        assertFalse(QueueApi.json(again).get("learned").asBoolean(), again.body());
        assertTrue(QueueApi.json(again).get("reason").asText().endsWith("has been already learned as spam, ignore it"),
                again.body());
        assertEquals("Junk", QueueApi.json(again).get("folder").asText());

        HttpResponse<String> ham = junk.post(report(emil, answer.get("uid").asLong()),
                "{\"verdict\":\"ham\",\"folder\":\"Junk\"}");
        assertEquals(200, ham.statusCode(), ham.body());
        assertTrue(QueueApi.json(ham).get("learned").asBoolean(), "Rspamd learns it again, as ham: " + ham.body());
        assertEquals(learnedBefore + 2, rspamd.learned());
        assertEquals("INBOX", QueueApi.json(ham).get("folder").asText());
        assertEquals("INBOX", new MailboxReader(junk).messages(emil).get(0).get("folder").asText());

        assertError(404, "no message with uid 999 in INBOX of " + emil,
                junk.post(report(emil, 999), "{\"verdict\":\"spam\"}"));
        assertError(400, "verdict must be \"spam\" or \"ham\", not \"maybe\"",
                junk.post(report(emil, 1), "{\"verdict\":\"maybe\"}"));
    }

    /**
     * A message kept encrypted at rest is OpenPGP ciphertext: reported, it is moved but not shown
     * to Rspamd, and the answer says why.
     */
    @Test
    @Order(4)
    void aReportOfAnEncryptedMessageMovesItUntaught() throws IOException, InterruptedException {
        String vera = mailbox(junk, "vera");
        assertEquals(201, junk.post("/api/v1/addresses/" + vera + "/encryption", "{\"password\":\"secret-password\"}")
                .statusCode());
        JsonNode kept = delivered(junk, vera, "promo@world.example", message("Sealed deals",
                "Our sealed deals on garden furniture and barbecue grills are here: order before Friday."));
        assertEquals("INBOX", kept.get("folder").asText());
        long learnedBefore = rspamd.learned();

        HttpResponse<String> reported = junk.post(report(vera, kept.get("uid").asLong()), "{\"verdict\":\"spam\"}");
        assertEquals(200, reported.statusCode(), reported.body());
        assertEquals("{\"verdict\":\"spam\",\"learned\":false,\"reason\":\"the message is encrypted at rest: the"
                + " spam filter cannot read it\",\"folder\":\"Junk\",\"uid\":1}", reported.body());
        assertEquals(learnedBefore, rspamd.learned(), "Rspamd was not taught the ciphertext");
        assertEquals("Junk", new MailboxReader(junk).messages(vera).get(0).get("folder").asText());
    }

    @Test
    @Order(5)
    void modeRejectRefusesSpamWhenEveryRecipientWouldAndFilesItOtherwise() throws IOException {
        String fritz = mailbox(reject, "fritz");
        try (SmtpClient smtp = connect(reject)) {
            assertEquals(SPAM_REJECTED, transaction(smtp, "<sender@world.example>", message("Refused", GTUBE), fritz));
        }
        assertEquals(1, PrometheusText.of(reject).valueOrZero("postillion_smtp_rejections_total",
                Map.of("listener", "mx", "reason", "spam")));

        String gina = mailbox(reject, "gina");
        assertEquals(200, reject.patch("/api/v1/addresses/" + gina, "{\"spamFilter\":false}").statusCode());
        String id;
        try (SmtpClient smtp = connect(reject)) {
            id = send(smtp, "<sender@world.example>", message("Filed per recipient", GTUBE), fritz, gina);
        }
        MailboxReader mailboxes = new MailboxReader(reject);
        assertEquals("Junk", mailboxes.awaitMessage(fritz, id).get("folder").asText());
        assertEquals("INBOX", mailboxes.awaitMessage(gina, id).get("folder").asText());
    }

    /** Mode headers: Rspamd's verdict is written, never acted on. */
    @Test
    @Order(6)
    void modeHeadersOnlyWritesTheFields() {
        SpamSettings settings = SpamSettings.from(ConfigFactory.parseMap(Map.of(
                "postillion.spam.rspamd.url", rspamd.scannerUrl(), "postillion.spam.mode", "headers"))
                .withFallback(ConfigFactory.defaultReference()).resolve().getConfig("postillion.spam"));
        try (SpamFilter filter = new SpamFilter(settings, new SimpleMeterRegistry())) {
            SpamVerdict verdict = filter.judge(new RspamdClient.Envelope("192.0.2.9", "world.example",
                            "sender@world.example", List.of("anna@" + DOMAIN), "HEADERS1", "mx.test"),
                    message("Headers only", GTUBE).getBytes(StandardCharsets.UTF_8)).toCompletableFuture().join();
            assertEquals(new SpamVerdict.Scanned(15.0, 6.0, "reject", List.of("GTUBE"), true, false, false), verdict);
        }
    }

    /** Authenticated submission: our users' mail is not scanned, GTUBE and all. */
    @Test
    @Order(7)
    void ourUsersMailIsNotScanned() throws IOException {
        String ivan = mailbox(junk, "ivan");
        String jana = mailbox(junk, "jana");
        String id;
        try (SmtpClient smtp = new SmtpClient(junk.smtpPort(ListenerRole.SUBMISSIONS),
                TlsTrust.trusting(TlsTrust.generatedCertificate(junkDir)))) {
            smtp.reply();
            smtp.command("EHLO client.test");
            assertEquals("235 2.7.0 Authentication successful", smtp.command("AUTH PLAIN " + Base64.getEncoder()
                    .encodeToString(("\0" + ivan + "\0secret-password").getBytes(StandardCharsets.UTF_8))));
            id = send(smtp, "<" + ivan + ">", message("Test pattern", GTUBE).replace("sender@world.example", ivan), jana);
        }
        JsonNode delivered = new MailboxReader(junk).awaitMessage(jana, id);
        assertEquals("INBOX", delivered.get("folder").asText());
        assertFalse(new MailboxReader(junk).raw(jana, delivered).contains("X-Spam-Status"));
    }

    /** Last: Rspamd stops. */
    @Test
    @Order(8)
    void withRspamdStoppedMailIsAcceptedUnscannedOrDeferred() throws IOException {
        String hugo = mailbox(junk, "hugo");
        String ines = mailbox(reject, "ines");
        rspamd.close();

        JsonNode unscanned = delivered(junk, hugo, "sender@world.example", message("While away", GTUBE));
        assertEquals("INBOX", unscanned.get("folder").asText());
        assertFalse(new MailboxReader(junk).raw(hugo, unscanned).contains("X-Spam-Status"));
        assertEquals(1, PrometheusText.of(junk).valueOrZero("postillion_spam_checks_total",
                Map.of("result", "failed")));
        assertError(503, "the spam filter is unavailable, try again",
                junk.post(report(hugo, unscanned.get("uid").asLong()), "{\"verdict\":\"spam\"}"));
        assertEquals("INBOX", new MailboxReader(junk).messages(hugo).get(0).get("folder").asText(), "nothing moved");

        try (SmtpClient smtp = connect(reject)) {
            assertEquals("451 4.7.1 Error: temporary spam filter failure, try again later",
                    transaction(smtp, "<sender@world.example>", message("Deferred", GTUBE), ines));
        }
        assertEquals(List.of(), new MailboxReader(reject).messages(ines));
    }

    private static String mailbox(TestNode node, String localPart) {
        String address = localPart + "@" + DOMAIN;
        node.createMailbox(address);
        return address;
    }

    /** Sends a message from the world and returns its listing entry once delivered. */
    private static JsonNode delivered(TestNode node, String address, String sender, String content)
            throws IOException {
        String id;
        try (SmtpClient smtp = connect(node)) {
            id = send(smtp, "<" + sender + ">", content, address);
        }
        return new MailboxReader(node).awaitMessage(address, id);
    }

    private static String message(String subject, String body) {
        return "From: Sender <sender@world.example>\r\nTo: someone@" + DOMAIN + "\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + subject.replace(' ', '-') + "@world.example>\r\n"
                + "Date: Mon, 7 Dec 2026 10:00:00 +0000\r\n\r\n" + body + "\r\n";
    }

    private static String report(String address, long uid) {
        return "/api/v1/mailboxes/" + address + "/messages/" + uid + "/report";
    }

    private static void assertError(int status, String error, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(error, QueueApi.json(response).get("error").asText());
    }
}
