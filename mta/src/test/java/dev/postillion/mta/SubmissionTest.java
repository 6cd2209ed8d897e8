package dev.postillion.mta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.core.MutableClock;
import dev.postillion.mta.smtp.ListenerRole;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SMTP AUTH and the sender guard over real sockets and TLS (SPEC section 5, RFC 4954): offered only
 * under TLS, PLAIN and LOGIN, every refusal's exact reply, the submission ports' requirement, the
 * sender guard on MAIL FROM and on From, relaying for users, no greylisting for them, and the
 * failed-attempt throttle under an injected clock.
 */
class SubmissionTest {

    private static final String ANNA = "anna@submit.test";
    private static final String PASSWORD = "secret-password";
    private static final String LOCKED_OUT =
            "421 4.7.0 mx.test Error: too many failed authentication attempts, try again later";
    private static final Pattern QUEUED = Pattern.compile("250 2\\.0\\.0 Ok: queued as ([0-9A-F]{24})");
    static final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T09:00:00Z"));

    @TempDir static Path dataDir;
    static TestNode node;
    static MailboxReader mailboxes;
    static SSLContext trust;

    @BeforeAll
    static void start() {
        // Loopback is greylisted here, so that the tests see users are not; failures are
        // answered at once and three in a row lock out.
        node = TestNode.start(dataDir, Map.of(
                "postillion.greylist.allow-networks", List.of(),
                "postillion.smtp.auth.failure-delay", "1ms",
                "postillion.smtp.auth.max-failure-delay", "4ms",
                "postillion.smtp.auth.lockout-after", 3), clock);
        node.createMailbox(ANNA);
        node.createMailbox("bob@submit.test");
        assertEquals(201, node.post("/api/v1/addresses/" + ANNA + "/aliases", "{\"localPart\":\"jps\"}").statusCode());
        mailboxes = new MailboxReader(node);
        trust = TlsTrust.trusting(TlsTrust.generatedCertificate(dataDir));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void authIsOfferedOnlyUnderTls() throws IOException {
        try (SmtpClient smtp = new SmtpClient(node.smtpPort(ListenerRole.SUBMISSION))) {
            smtp.reply();
            assertFalse(smtp.command("EHLO client.test").contains("AUTH"));
            assertEquals("538 5.7.11 Encryption required for requested authentication mechanism",
                    smtp.command("AUTH PLAIN " + plain(ANNA, PASSWORD)));
            smtp.command("STARTTLS");
            smtp.startTls(trust);
            assertTrue(smtp.command("EHLO client.test").contains("\n250-AUTH PLAIN LOGIN\n"));
        }
    }

    @Test
    void theSubmissionPortsTakeMailOnlyFromUsers() throws IOException {
        try (SmtpClient smtp = new SmtpClient(node.smtpPort(ListenerRole.SUBMISSIONS), trust)) {
            smtp.reply();
            smtp.command("EHLO client.test");
            assertEquals("530 5.7.0 Authentication required", smtp.command("MAIL FROM:<" + ANNA + ">"));
            assertEquals("235 2.7.0 Authentication successful", smtp.command("AUTH PLAIN " + plain(ANNA, PASSWORD)));
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<" + ANNA + ">"));
        }
    }

    @Test
    void theRightPasswordOfADisabledAddressIsRefusedSayingSo() throws IOException {
        String eve = "eve@" + ANNA.substring(ANNA.indexOf('@') + 1);
        node.createMailbox(eve);
        assertEquals(200, node.patch("/api/v1/addresses/" + eve, "{\"disabled\":true}").statusCode());
        try (SmtpClient smtp = new SmtpClient(node.smtpPort(ListenerRole.SUBMISSIONS), trust)) {
            smtp.reply();
            smtp.command("EHLO client.test");
            assertEquals("535 5.7.8 Error: authentication failed: the address is disabled",
                    smtp.command("AUTH PLAIN " + plain(eve, "secret-password")));
        }
    }

    @Test
    void aUserRelaysAsItselfOrAnAliasAndTheMessageSaysEsmtpsa() throws IOException {
        try (SmtpClient smtp = loggedIn(ListenerRole.SUBMISSION)) {
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<JPS@submit.test>"));
            assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<someone@elsewhere.example>"), "users relay");
            assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<bob@submit.test>"));
            smtp.command("DATA");
            String queueId = queued(smtp.command("From: Anna <jps@submit.test>\r\nSubject: hi\r\n\r\nHello\r\n."));
            String raw = mailboxes.raw("bob@submit.test", mailboxes.awaitMessage("bob@submit.test", queueId));
            assertTrue(raw.contains("\tby mx.test (Postillion) with ESMTPSA id " + queueId), raw);
        }
    }

    @Test
    void theSenderGuardRefusesAnotherAddressInMailFromAndInFrom() throws IOException {
        try (SmtpClient smtp = loggedIn(ListenerRole.SUBMISSION)) {
            assertEquals("553 5.7.1 Sender denied: auth guards failed", smtp.command("MAIL FROM:<bob@submit.test>"));
            assertEquals("553 5.7.1 Sender denied: auth guards failed", smtp.command("MAIL FROM:<ceo@bank.example>"));
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<" + ANNA + ">"));
            smtp.command("RCPT TO:<bob@submit.test>");
            smtp.command("DATA");
            assertEquals("553 5.7.1 Sender denied: auth guards failed",
                    smtp.command("From: The CEO <ceo@bank.example>\r\nSubject: wire\r\n\r\nPay\r\n."));
            smtp.command("MAIL FROM:<" + ANNA + ">");
            smtp.command("RCPT TO:<bob@submit.test>");
            smtp.command("DATA");
            assertEquals("553 5.7.1 Sender denied: auth guards failed",
                    smtp.command("From: " + ANNA + ", ceo@bank.example\r\n\r\nOne of them is not Anna\r\n."));
            smtp.command("MAIL FROM:<" + ANNA + ">");
            smtp.command("RCPT TO:<bob@submit.test>");
            smtp.command("DATA");
            assertEquals("553 5.7.1 Sender denied: auth guards failed",
                    smtp.command("From: <ceo@bank.example> <" + ANNA + ">\r\n\r\nWhich one is the author?\r\n."));
        }
    }

    @Test
    void loginTakesTheUserNameAndThePasswordAsChallengesAsk() throws IOException {
        try (SmtpClient smtp = startedTls(ListenerRole.SUBMISSION)) {
            assertEquals("334 VXNlcm5hbWU6", smtp.command("AUTH LOGIN"));
            assertEquals("334 UGFzc3dvcmQ6", smtp.command(base64(ANNA)));
            assertEquals("235 2.7.0 Authentication successful", smtp.command(base64(PASSWORD)));
            assertEquals("503 5.5.1 Error: already authenticated", smtp.command("AUTH PLAIN " + plain(ANNA, PASSWORD)));
        }
    }

    @Test
    void plainWithoutAnInitialResponseGetsAnEmptyChallenge() throws IOException {
        try (SmtpClient smtp = startedTls(ListenerRole.SUBMISSION)) {
            assertEquals("334 ", smtp.command("AUTH PLAIN"));
            assertEquals("235 2.7.0 Authentication successful", smtp.command(plain(ANNA, PASSWORD)));
        }
    }

    @Test
    void badExchangesGetTheirReplies() throws IOException {
        try (SmtpClient smtp = startedTls(ListenerRole.MX)) {
            assertEquals("504 5.5.4 Unrecognized authentication type", smtp.command("AUTH CRAM-MD5"));
            assertEquals("501 5.5.4 Syntax: AUTH mechanism [initial-response]", smtp.command("AUTH"));
            smtp.command("AUTH PLAIN");
            assertEquals("501 5.7.0 Authentication aborted", smtp.command("*"));
            smtp.command("AUTH LOGIN");
            assertEquals("501 5.5.2 Cannot decode response", smtp.command("not base64!"));
            assertEquals("501 5.5.2 Cannot decode response", smtp.command("AUTH PLAIN " + base64("no separators")));
            smtp.command("MAIL FROM:<" + ANNA + ">");
            assertEquals("503 5.5.1 Error: MAIL transaction in progress", smtp.command("AUTH PLAIN " + plain(ANNA, PASSWORD)));
            assertEquals("250 2.0.0 Ok", smtp.command("RSET"));
            assertEquals("235 2.7.0 Authentication successful", smtp.command("AUTH PLAIN " + plain(ANNA, PASSWORD)));
        }
    }

    /** Issue 5: authenticated sessions are never greylisted, where other clients are. */
    @Test
    void usersAreNotGreylistedOnTheMxPort() throws IOException {
        try (SmtpClient smtp = startedTls(ListenerRole.MX)) {
            smtp.command("MAIL FROM:<stranger@elsewhere.example>");
            assertEquals("451 4.7.1 Greylisted, please try again later", smtp.command("RCPT TO:<bob@submit.test>"));
            smtp.command("RSET");
            assertEquals("235 2.7.0 Authentication successful", smtp.command("AUTH PLAIN " + plain(ANNA, PASSWORD)));
            smtp.command("MAIL FROM:<" + ANNA + ">");
            assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<bob@submit.test>"));
        }
    }

    /** Issue 12, defect 16: the client network is locked out; the account only slowed, so no one can lock a user out. */
    @Test
    void failuresLockTheClientOutUntilTheLockoutEndsAndOnlySlowTheAccount() throws IOException {
        node.createMailbox("victim@submit.test");
        double failuresBefore = metric("failure");
        double lockoutsBefore = metric("locked-out");
        try (SmtpClient smtp = startedTls(ListenerRole.SUBMISSION, "127.0.0.5")) {
            assertEquals("535 5.7.8 Error: authentication failed", smtp.command("AUTH PLAIN " + plain("victim@submit.test", "guess-1")));
            assertEquals("535 5.7.8 Error: authentication failed", smtp.command("AUTH PLAIN " + plain("nobody@submit.test", PASSWORD)));
            assertEquals(LOCKED_OUT,
                    smtp.command("AUTH PLAIN " + plain("victim@submit.test", "guess-3")));
            assertTrue(smtp.closedByServer());
        }
        try (SmtpClient smtp = startedTls(ListenerRole.SUBMISSION, "127.0.0.5")) {
            assertEquals(LOCKED_OUT,
                    smtp.command("AUTH PLAIN " + plain(ANNA, PASSWORD)), "the client is locked out, even with a good password");
        }
        try (SmtpClient smtp = startedTls(ListenerRole.SUBMISSION, "127.0.0.6")) {
            assertEquals("535 5.7.8 Error: authentication failed", smtp.command("AUTH PLAIN " + plain("victim@submit.test", "guess-4")),
                    "the account's third failure in a row, from another client network, locks nothing");
        }
        try (SmtpClient smtp = startedTls(ListenerRole.SUBMISSION, "127.0.0.7")) {
            assertEquals("235 2.7.0 Authentication successful", smtp.command("AUTH PLAIN " + plain("victim@submit.test", PASSWORD)),
                    "the user logs in from its own network, after the account's delay");
        }
        clock.advance(Duration.ofMinutes(16));
        try (SmtpClient smtp = startedTls(ListenerRole.SUBMISSION, "127.0.0.5")) {
            assertEquals("235 2.7.0 Authentication successful", smtp.command("AUTH PLAIN " + plain("victim@submit.test", PASSWORD)));
        }
        assertEquals(4, metric("failure") - failuresBefore);
        assertEquals(1, metric("locked-out") - lockoutsBefore);
    }

    /**
     * Issue 12, defect 16: 30 sessions from one address send AUTH at once, the right password
     * among them. Each attempt is counted before its check, so at most lockout-after (3) wrong
     * passwords are checked; the others are refused with the lockout's 421 unchecked.
     */
    @Test
    void sessionsAtOnceFromOneAddressGetNoMoreChecksThanTheLimit() throws Exception {
        node.createMailbox("racer@submit.test");
        double failuresBefore = metric("failure");
        double successesBefore = metric("success");
        List<SmtpClient> sessions = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            sessions.add(startedTls(ListenerRole.SUBMISSION, "127.0.3.1"));
        }
        ExecutorService senders = Executors.newFixedThreadPool(sessions.size());
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> replies = new ArrayList<>();
            for (int i = 0; i < sessions.size(); i++) {
                SmtpClient smtp = sessions.get(i);
                String password = i == 17 ? PASSWORD : "guess-" + i;
                replies.add(senders.submit(() -> {
                    go.await();
                    return smtp.command("AUTH PLAIN " + plain("racer@submit.test", password));
                }));
            }
            go.countDown();
            Map<String, Integer> byReply = new TreeMap<>();
            for (Future<String> reply : replies) {
                byReply.merge(reply.get(30, TimeUnit.SECONDS), 1, Integer::sum);
            }
            double checkedWrong = metric("failure") - failuresBefore;
            double checkedRight = metric("success") - successesBefore;
            assertTrue(checkedWrong <= 3, "wrong passwords checked: " + checkedWrong + ", replies " + byReply);
            assertTrue(checkedRight <= 1, "replies " + byReply);
            int lockedOut = byReply.getOrDefault(LOCKED_OUT, 0);
            assertEquals(30, lockedOut + byReply.getOrDefault("535 5.7.8 Error: authentication failed", 0)
                    + byReply.getOrDefault("235 2.7.0 Authentication successful", 0), "replies " + byReply);
            assertTrue(lockedOut >= 30 - checkedWrong - checkedRight,
                    "every attempt not checked gets the lockout's 421; replies " + byReply);
        } finally {
            senders.shutdownNow();
            for (SmtpClient smtp : sessions) {
                smtp.close();
            }
        }
    }

    /** A response that reads like DATA or STARTTLS is still a response, and the session goes on. */
    @Test
    void anAuthResponseThatLooksLikeACommandIsAResponse() throws IOException {
        try (SmtpClient smtp = startedTls(ListenerRole.SUBMISSION)) {
            assertEquals("334 VXNlcm5hbWU6", smtp.command("AUTH LOGIN"));
            assertEquals("501 5.5.2 Cannot decode response", smtp.command("DATA"));
            assertEquals("334 ", smtp.command("AUTH PLAIN"));
            assertEquals("501 5.5.2 Cannot decode response", smtp.command("STARTTLS"));
            assertEquals("250 2.0.0 Ok", smtp.command("NOOP"));
        }
    }

    /** The metric's value for one result, from the Prometheus text at /metrics. */
    private static double metric(String result) {
        return PrometheusText.of(node).valueOrZero("postillion_smtp_auth_total", Map.of("node", "mx.test", "result", result));
    }

    private static SmtpClient loggedIn(ListenerRole role) throws IOException {
        SmtpClient smtp = startedTls(role);
        assertEquals("235 2.7.0 Authentication successful", smtp.command("AUTH PLAIN " + plain(ANNA, PASSWORD)));
        return smtp;
    }

    private static SmtpClient startedTls(ListenerRole role) throws IOException {
        return startedTls(role, "127.0.0.1");
    }

    /** Connected from {@code from}, greeted, EHLO, STARTTLS and EHLO again. */
    private static SmtpClient startedTls(ListenerRole role, String from) throws IOException {
        SmtpClient smtp = new SmtpClient(node.smtpPort(role), from);
        smtp.reply();
        smtp.command("EHLO client.test");
        assertEquals("220 2.0.0 Ready to start TLS", smtp.command("STARTTLS"));
        smtp.startTls(trust);
        smtp.command("EHLO client.test");
        return smtp;
    }

    /** PLAIN's message (RFC 4616): no authorization identity, the user and the password. */
    private static String plain(String user, String password) {
        return base64("\0" + user + "\0" + password);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String queued(String reply) {
        Matcher queued = QUEUED.matcher(reply.trim());
        assertTrue(queued.matches(), reply);
        return queued.group(1);
    }
}
