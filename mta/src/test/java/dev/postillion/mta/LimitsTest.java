package dev.postillion.mta;

import static dev.postillion.mta.SmtpProtocolTest.GREETING;
import static dev.postillion.mta.SmtpProtocolTest.OK;
import static dev.postillion.mta.SmtpProtocolTest.RECIPIENT_OK;
import static dev.postillion.mta.SmtpProtocolTest.SENDER_OK;
import static dev.postillion.mta.SmtpProtocolTest.START_DATA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.core.MutableClock;
import java.io.IOException;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connection and rate limits ({@code postillion.limits}) and slow clients over real sockets, with
 * the exact replies. Clients are told apart by their loopback source address (127.0.0.x).
 */
class LimitsTest {

    static final String TOO_MANY = "421 4.7.0 mx.test Error: too many connections";
    static final String TOO_MANY_FROM_YOU = "421 4.7.0 mx.test Error: too many connections from your address";
    static final String RATE = "421 4.7.0 mx.test Error: too many connections from your address, try again later";
    static final String MESSAGE_RATE = "451 4.7.1 Rate limit exceeded";
    static final String EARLY = "554 5.5.1 Error: SMTP protocol violation (sent before the greeting)";
    static final String TIMEOUT = "421 4.4.2 mx.test Error: timeout exceeded";
    static final String TOO_MANY_ERRORS = "421 4.7.0 mx.test Error: too many errors";
    static final String TIME_LIMIT = "421 4.4.2 mx.test Error: session time limit exceeded";

    /**
     * Concurrency: at most 4 connections, the last of them reserved for the relay network, 2 from
     * one address; rate limits at their defaults (off).
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class Concurrency {
        TestNode node;

        @BeforeAll
        void start(@TempDir Path dataDir) {
            node = TestNode.start(dataDir, Map.of(
                    // The test's clients are loopback addresses, exempt by default.
                    "postillion.limits.exempt-networks", List.of(),
                    "postillion.limits.max-connections", 4,
                    "postillion.limits.reserved-connections", 1,
                    "postillion.limits.max-connections-per-client", 2,
                    "postillion.smtp.relay-networks", List.of("127.0.0.9")), Clock.systemUTC());
        }

        @AfterAll
        void stop() {
            node.close();
        }

        @Test
        @Order(1)
        void aClientOverItsLimitAndAnyoneOverTheOverallLimitGet421AndAreClosed() throws IOException {
            List<SmtpClient> open = new ArrayList<>();
            try {
                open.add(greeted("127.0.0.2"));
                open.add(greeted("127.0.0.2"));
                refused("127.0.0.2", TOO_MANY_FROM_YOU);
                open.add(greeted("127.0.0.3"));
                refused("127.0.0.4", TOO_MANY);
                // A session goes on as usual under the limits.
                assertTrue(open.get(0).command("EHLO client.test").startsWith("250-mx.test\n"));
                // Once one closes, its place is free again.
                open.remove(0).close();
                Awaitility.await().untilAsserted(() -> {
                    try (SmtpClient again = new SmtpClient(node.smtpPort(), "127.0.0.2")) {
                        assertEquals(GREETING, again.reply());
                    }
                });
            } finally {
                for (SmtpClient client : open) {
                    client.close();
                }
            }
        }

        @Test
        @Order(2)
        void clientsInTheRelayNetworksAreHeldOnlyToTheOverallLimit() throws IOException {
            List<SmtpClient> open = new ArrayList<>();
            try {
                Awaitility.await().untilAsserted(() -> {
                    // The other test's connections may still be closing on the server.
                    SmtpClient first = new SmtpClient(node.smtpPort(), "127.0.0.9");
                    open.add(first);
                    assertEquals(GREETING, first.reply());
                });
                open.add(greeted("127.0.0.9"));
                Awaitility.await().untilAsserted(() -> {
                    SmtpClient third = new SmtpClient(node.smtpPort(), "127.0.0.9");
                    open.add(third);
                    assertEquals(GREETING, third.reply());
                });
            } finally {
                for (SmtpClient client : open) {
                    client.close();
                }
            }
        }

        @Test
        @Order(3)
        void theReservedConnectionsAreLeftForTheRelayNetworkWhenOthersFillThePort() throws IOException {
            List<SmtpClient> open = new ArrayList<>();
            try {
                Awaitility.await().untilAsserted(() -> {
                    // The other tests' connections may still be closing on the server.
                    SmtpClient first = new SmtpClient(node.smtpPort(), "127.0.0.5");
                    open.add(first);
                    assertEquals(GREETING, first.reply());
                });
                open.add(greeted("127.0.0.6"));
                open.add(greeted("127.0.0.7"));
                refused("127.0.0.8", TOO_MANY);
                open.add(greeted("127.0.0.9"));
                refused("127.0.0.9", TOO_MANY);
            } finally {
                for (SmtpClient client : open) {
                    client.close();
                }
            }
        }

        private SmtpClient greeted(String from) throws IOException {
            SmtpClient client = new SmtpClient(node.smtpPort(), from);
            assertEquals(GREETING, client.reply());
            return client;
        }

        private void refused(String from, String reply) throws IOException {
            try (SmtpClient client = new SmtpClient(node.smtpPort(), from)) {
                assertEquals(reply, client.reply());
                assertTrue(client.closedByServer());
            }
        }
    }

    /**
     * Rates under an injected clock, early talkers and the data timeout: 3 connections and 2
     * messages a client a minute, a 1 second greeting delay, a 1 second data timeout.
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class RatesAndSlowClients {
        final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
        TestNode node;

        @BeforeAll
        void start(@TempDir Path dataDir) {
            node = TestNode.start(dataDir, Map.of(
                    "postillion.limits.exempt-networks", List.of(),
                    "postillion.limits.connection-rate-per-client", 3,
                    "postillion.limits.message-rate-per-client", 2,
                    "postillion.limits.greeting-delay", "1s",
                    "postillion.smtp.data-timeout", "1s"), clock);
            node.createMailbox("anna@limits.example");
        }

        @AfterAll
        void stop() {
            node.close();
        }

        @Test
        void newConnectionsOverTheRateAreRefusedUntilTheMinuteIsOver() throws IOException {
            for (int i = 0; i < 3; i++) {
                try (SmtpClient client = new SmtpClient(node.smtpPort(), "127.0.0.21")) {
                    assertEquals(GREETING, client.reply());
                }
            }
            try (SmtpClient client = new SmtpClient(node.smtpPort(), "127.0.0.21")) {
                assertEquals(RATE, client.reply());
                assertTrue(client.closedByServer());
            }
            try (SmtpClient other = new SmtpClient(node.smtpPort(), "127.0.0.22")) {
                assertEquals(GREETING, other.reply(), "another client has a rate of its own");
            }
            clock.advance(Duration.ofSeconds(61));
            try (SmtpClient client = new SmtpClient(node.smtpPort(), "127.0.0.21")) {
                assertEquals(GREETING, client.reply());
            }
        }

        @Test
        void messagesOverTheRateAreDeferredAtMailAndPipelinedCommandsKeepTheirOrder() throws IOException {
            try (SmtpClient client = new SmtpClient(node.smtpPort(), "127.0.0.23")) {
                assertEquals(GREETING, client.reply());
                assertTrue(client.command("EHLO client.test").startsWith("250-mx.test\n"));
                assertEquals(SENDER_OK, client.command("MAIL FROM:<one@sender.example>"));
                assertEquals(OK, client.command("RSET"));
                assertEquals(SENDER_OK, client.command("MAIL FROM:<two@sender.example>"));
                assertEquals(OK, client.command("RSET"));
                client.send("MAIL FROM:<three@sender.example>\r\nRCPT TO:<anna@limits.example>\r\nNOOP\r\n");
                assertEquals(MESSAGE_RATE, client.reply());
                assertEquals("503 5.5.1 Error: need MAIL command", client.reply());
                assertEquals(OK, client.reply());
                clock.advance(Duration.ofSeconds(61));
                assertEquals(SENDER_OK, client.command("MAIL FROM:<four@sender.example>"));
                assertEquals(RECIPIENT_OK, client.command("RCPT TO:<anna@limits.example>"));
            }
        }

        @Test
        void aClientThatTalksBeforeTheGreetingIsRefusedAndClosed() throws IOException {
            try (SmtpClient client = new SmtpClient(node.smtpPort(), "127.0.0.24")) {
                client.send("EHLO early.example\r\n");
                assertEquals(EARLY, client.reply());
                assertTrue(client.closedByServer());
            }
        }

        @Test
        void aMessageWhoseContentTakesLongerThanTheDataTimeoutEndsTheSession() throws IOException {
            try (SmtpClient client = new SmtpClient(node.smtpPort(), "127.0.0.25")) {
                assertEquals(GREETING, client.reply());
                assertTrue(client.command("EHLO client.test").startsWith("250-mx.test\n"));
                assertEquals(SENDER_OK, client.command("MAIL FROM:<slow@sender.example>"));
                assertEquals(RECIPIENT_OK, client.command("RCPT TO:<anna@limits.example>"));
                assertEquals(START_DATA, client.command("DATA"));
                client.send("Subject: slow\r\n\r\nand never finished\r\n");
                // No command idle timeout (5 minutes) could end it this soon.
                assertEquals(TIMEOUT, client.reply());
                assertNull(client.reply());
            }
        }

        @Test
        void contentWithinTheDataTimeoutIsAccepted() throws IOException {
            try (SmtpClient client = new SmtpClient(node.smtpPort(), "127.0.0.26")) {
                assertEquals(GREETING, client.reply());
                assertTrue(client.command("EHLO client.test").startsWith("250-mx.test\n"));
                assertEquals(SENDER_OK, client.command("MAIL FROM:<quick@sender.example>"));
                assertEquals(RECIPIENT_OK, client.command("RCPT TO:<anna@limits.example>"));
                assertEquals(START_DATA, client.command("DATA"));
                assertTrue(client.command("Subject: quick\r\n\r\nbody\r\n.").startsWith("250 2.0.0 Ok: queued as "));
                assertEquals(OK, client.command("NOOP"));
            }
        }
    }

    /** Bounds on one session's life: 100 junk commands (the default), and a 2 second session. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class SessionBounds {
        TestNode node;

        @BeforeAll
        void start(@TempDir Path dataDir) {
            node = TestNode.start(dataDir, Map.of("postillion.smtp.session-time-limit", "2s"), Clock.systemUTC());
        }

        @AfterAll
        void stop() {
            node.close();
        }

        @Test
        void pipelinedNoopsBeyondTheJunkCommandLimitEndTheSession() throws IOException {
            try (SmtpClient client = new SmtpClient(node.smtpPort(), "127.0.0.31")) {
                assertEquals(GREETING, client.reply());
                client.send("NOOP\r\n".repeat(101));
                for (int i = 0; i < 100; i++) {
                    assertEquals(OK, client.reply(), "NOOP " + (i + 1));
                }
                assertEquals(TOO_MANY_ERRORS, client.reply());
                assertNull(client.reply());
            }
        }

        @Test
        void fiveThousandPipelinedNoopsGetNoMoreThanTheLimitAnswered() throws IOException {
            int answered = 0;
            try (SmtpClient client = new SmtpClient(node.smtpPort(), "127.0.0.34")) {
                assertEquals(GREETING, client.reply());
                client.send("NOOP\r\n".repeat(5000));
                // The server closes with NOOPs unread, so the connection may be reset under the reader.
                for (String reply = client.reply(); OK.equals(reply); reply = client.reply()) {
                    answered++;
                }
            } catch (SocketException reset) {
                // the end of the session, seen as a reset
            }
            assertTrue(answered <= 100, answered + " NOOPs answered");
        }

        @Test
        void rsetVrfyAndHelpCountAsJunkToo() throws IOException {
            try (SmtpClient client = new SmtpClient(node.smtpPort(), "127.0.0.32")) {
                assertEquals(GREETING, client.reply());
                client.send("RSET\r\nVRFY anna\r\nHELP\r\n".repeat(33) + "RSET\r\nHELP\r\n");
                for (int i = 0; i < 100; i++) {
                    assertTrue(client.reply().startsWith("2"), "junk command " + (i + 1));
                }
                assertEquals(TOO_MANY_ERRORS, client.reply());
                assertNull(client.reply());
            }
        }

        @Test
        void aSessionKeptBusyEndsAtItsTimeLimit() throws IOException {
            try (SmtpClient client = new SmtpClient(node.smtpPort(), "127.0.0.33")) {
                assertEquals(GREETING, client.reply());
                assertTrue(client.command("EHLO client.test").startsWith("250-mx.test\n"));
                long started = System.nanoTime();
                String reply = SENDER_OK;
                // Well within the idle timeout each time: only the session's own limit can end it.
                for (int i = 0; i < 50 && !reply.equals(TIME_LIMIT); i++) {
                    Awaitility.await().pollDelay(Duration.ofMillis(200)).until(() -> true);
                    reply = client.command(i % 2 == 0 ? "MAIL FROM:<slow@sender.example>" : "RSET");
                }
                assertEquals(TIME_LIMIT, reply);
                assertTrue(System.nanoTime() - started >= Duration.ofMillis(1500).toNanos());
                assertTrue(client.closedByServer());
            }
        }
    }
}
