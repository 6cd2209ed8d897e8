package dev.postillion.mta;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;


import dev.postillion.core.MutableClock;
import dev.postillion.mta.smtp.ListenerRole;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes of one cluster over one PostgreSQL, and the logins on them: a client network's AUTH
 * attempts count together whichever node they reach, and once locked out it is refused on both,
 * even with a good password, until the lockout ends; other networks are not. A password changed
 * through one node ends the sessions logged in with the old one on both, and only those; so does
 * an app password revoked through one node.
 * Tagged "cluster": its nodes keep their shared store in PostgreSQL whatever the suite's store,
 * so CI runs it once, in its first run, with the other tests of several nodes.
 */
@Tag("cluster")
class LoginsAcrossNodesTest {

    private static final String LOCKED_OUT =
            "421 4.7.0 mx.test Error: too many failed authentication attempts, try again later";
    private static final String ANNA = "anna@submit.test";
    private static final String PASSWORD = "secret-password";
    private static final String BOB = "bob@submit.test";
    private static final String CAROL = "carol@submit.test";
    private static final String NEW_PASSWORD = "Another-Secret-9";
    private static final String PASSWORD_CHANGED = "421 4.7.0 mx.test Error: the password was changed, log in again";
    private static final String APP_PASSWORD_REVOKED =
            "421 4.7.0 mx.test Error: the app password was revoked, log in again";

    @TempDir Path one;
    @TempDir Path two;
    @TempDir Path keys;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T09:00:00Z"));
    private TwoNodes cluster;
    private TestNode nodeOne;
    private TestNode nodeTwo;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void attemptsCountTogetherAndTheLockoutHoldsOnEveryNode() throws IOException {
        startCluster();
        nodeOne.createMailbox(ANNA);

        try (SmtpClient smtp = startedTls(nodeOne, one, "127.0.0.5")) {
            assertEquals("535 5.7.8 Error: authentication failed", smtp.command("AUTH PLAIN " + plain("wrong-1")));
        }
        try (SmtpClient smtp = startedTls(nodeTwo, two, "127.0.0.5")) {
            assertEquals("535 5.7.8 Error: authentication failed", smtp.command("AUTH PLAIN " + plain("wrong-2")));
        }
        try (SmtpClient smtp = startedTls(nodeOne, one, "127.0.0.5")) {
            assertEquals(LOCKED_OUT, smtp.command("AUTH PLAIN " + plain("wrong-3")),
                    "the third attempt in a row, though the second on this node");
        }
        try (SmtpClient smtp = startedTls(nodeTwo, two, "127.0.0.5")) {
            assertEquals(LOCKED_OUT, smtp.command("AUTH PLAIN " + plain(PASSWORD)), "locked out on the other node too");
        }
        try (SmtpClient smtp = startedTls(nodeTwo, two, "127.0.0.6")) {
            assertEquals("235 2.7.0 Authentication successful", smtp.command("AUTH PLAIN " + plain(PASSWORD)));
        }
        clock.advance(Duration.ofMinutes(16));
        try (SmtpClient smtp = startedTls(nodeTwo, two, "127.0.0.5")) {
            assertEquals("235 2.7.0 Authentication successful", smtp.command("AUTH PLAIN " + plain(PASSWORD)),
                    "the lockout has ended");
        }
    }

    @Test
    void aPasswordChangeThroughOneNodeEndsTheOldPasswordsSessionsOnBoth() throws IOException {
        startCluster();
        nodeOne.createMailbox(ANNA);
        nodeOne.createMailbox(BOB);
        awaitChangesHeardOnNodeTwo();
        try (SmtpClient annaOnOne = loggedIn(nodeOne, one, ANNA, PASSWORD);
                SmtpClient annaOnTwo = loggedIn(nodeTwo, two, ANNA, PASSWORD);
                SmtpClient bobOnTwo = loggedIn(nodeTwo, two, BOB, PASSWORD)) {
            assertEquals("250 2.1.0 Ok", annaOnTwo.command("MAIL FROM:<" + ANNA + ">"), "a transaction begun");

            HttpResponse<String> changed = nodeOne.put("/api/v1/addresses/" + ANNA + "/password",
                    "{\"password\":\"" + NEW_PASSWORD + "\"}");

            assertEquals(204, changed.statusCode(), changed.body());
            assertEquals(PASSWORD_CHANGED, annaOnOne.reply(), "on the node that wrote the change");
            assertTrue(annaOnOne.closedByServer());
            assertEquals(PASSWORD_CHANGED, annaOnTwo.reply(), "on the other node, with a transaction begun");
            assertTrue(annaOnTwo.closedByServer());
            assertEquals("250 2.0.0 Ok", bobOnTwo.command("NOOP"), "another address's session goes on");
        }
        try (SmtpClient smtp = startedTls(nodeTwo, two, "127.0.0.7")) {
            assertEquals("535 5.7.8 Error: authentication failed", smtp.command("AUTH PLAIN " + plain(ANNA, PASSWORD)),
                    "the old password");
        }
        try (SmtpClient annaAgain = loggedIn(nodeTwo, two, ANNA, NEW_PASSWORD)) {
            assertEquals("250 2.0.0 Ok", annaAgain.command("NOOP"), "a login with the new password stays");
        }
    }

    @Test
    void anAppPasswordRevokedThroughOneNodeEndsItsSessionsOnBoth() throws IOException {
        startCluster();
        nodeOne.createMailbox(ANNA);
        HttpResponse<String> created = nodeOne.post("/api/v1/addresses/" + ANNA + "/app-passwords",
                "{\"name\":\"phone\"}");
        assertEquals(201, created.statusCode(), created.body());
        String app = AdminCalls.object(created.body()).get("password").asText();
        // Node two's directory hears of the app password with the later changes it waits for.
        awaitChangesHeardOnNodeTwo();
        try (SmtpClient appOnOne = loggedIn(nodeOne, one, ANNA, app);
                SmtpClient appOnTwo = loggedIn(nodeTwo, two, ANNA, app);
                SmtpClient passwordOnTwo = loggedIn(nodeTwo, two, ANNA, PASSWORD)) {
            assertEquals(204, nodeOne.delete("/api/v1/addresses/" + ANNA + "/app-passwords/phone").statusCode());

            assertEquals(APP_PASSWORD_REVOKED, appOnOne.reply(), "on the node that wrote the revocation");
            assertTrue(appOnOne.closedByServer());
            assertEquals(APP_PASSWORD_REVOKED, appOnTwo.reply(), "on the other node");
            assertTrue(appOnTwo.closedByServer());
            assertEquals("250 2.0.0 Ok", passwordOnTwo.command("NOOP"), "the password's session goes on");
        }
        try (SmtpClient smtp = startedTls(nodeTwo, two, "127.0.0.7")) {
            assertEquals("535 5.7.8 Error: authentication failed", smtp.command("AUTH PLAIN " + plain(ANNA, app)),
                    "the revoked app password");
        }
    }

    /**
     * The password-change topic delivers at most once, and a node's topic hears of the other's
     * only some time after both are up: until then, carol's password is changed through node one
     * while she is logged in on node two, until her session there ends. Node two's directory may
     * not have heard of the last change either: carol logs in there with whichever of the two
     * passwords it knows, each attempt from a network of its own, so that refusals never add up to
     * a lockout.
     */
    private void awaitChangesHeardOnNodeTwo() throws IOException {
        nodeOne.createMailbox(CAROL);
        String[] passwords = {PASSWORD, NEW_PASSWORD};
        int[] current = {0};
        int[] attempts = {0};
        await("node two hears node one's password changes").atMost(Duration.ofSeconds(30)).until(() -> {
            try (SmtpClient carol = loggedInWithEither(passwords[current[0]], passwords[1 - current[0]], attempts)) {
                current[0] = 1 - current[0];
                assertEquals(204, nodeOne.put("/api/v1/addresses/" + CAROL + "/password",
                        "{\"password\":\"" + passwords[current[0]] + "\"}").statusCode());
                carol.replyTimeout(Duration.ofSeconds(1));
                try {
                    return PASSWORD_CHANGED.equals(carol.reply());
                } catch (SocketTimeoutException notHeard) {
                    return false;
                }
            }
        });
    }

    private void startCluster() throws IOException {
        cluster = TwoNodes.start(one, two, keys, clock, Map.of(
                "postillion.smtp.auth.failure-delay", "1ms",
                "postillion.smtp.auth.max-failure-delay", "4ms",
                "postillion.smtp.auth.lockout-after", 3));
        nodeOne = cluster.one();
        nodeTwo = cluster.two();
    }

    /** Carol logged in on node two with the first password it takes, each try from another network. */
    private SmtpClient loggedInWithEither(String password, String other, int[] attempts) throws IOException {
        for (String tried : new String[] {password, other}) {
            SmtpClient smtp = startedTls(nodeTwo, two, "127.0.1." + (++attempts[0] % 250 + 1));
            if (smtp.command("AUTH PLAIN " + plain(CAROL, tried)).startsWith("235 ")) {
                return smtp;
            }
            smtp.close();
        }
        throw new AssertionError("node two takes neither of carol's passwords");
    }

    /** Logged in on the node's submission port, under STARTTLS, from a network of its own. */
    private static SmtpClient loggedIn(TestNode node, Path dataDir, String address, String password)
            throws IOException {
        SmtpClient smtp = startedTls(node, dataDir, "127.0.0.8");
        assertEquals("235 2.7.0 Authentication successful", smtp.command("AUTH PLAIN " + plain(address, password)));
        return smtp;
    }

    /** Connected from {@code from} to the node's submission port, greeted, EHLO, STARTTLS and EHLO again. */
    private static SmtpClient startedTls(TestNode node, Path dataDir, String from) throws IOException {
        SmtpClient smtp = new SmtpClient(node.smtpPort(ListenerRole.SUBMISSION), from);
        smtp.reply();
        smtp.command("EHLO client.test");
        assertEquals("220 2.0.0 Ready to start TLS", smtp.command("STARTTLS"));
        smtp.startTls(TlsTrust.trusting(TlsTrust.generatedCertificate(dataDir)));
        smtp.command("EHLO client.test");
        return smtp;
    }

    private static String plain(String password) {
        return plain(ANNA, password);
    }

    private static String plain(String address, String password) {
        return Base64.getEncoder().encodeToString(("\0" + address + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }
}
