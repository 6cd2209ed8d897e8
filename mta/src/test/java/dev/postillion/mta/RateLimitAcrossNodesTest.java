package dev.postillion.mta;

import static dev.postillion.mta.LimitsTest.MESSAGE_RATE;
import static dev.postillion.mta.SmtpProtocolTest.GREETING;
import static dev.postillion.mta.SmtpProtocolTest.RECIPIENT_OK;
import static dev.postillion.mta.SmtpProtocolTest.SENDER_OK;
import static dev.postillion.mta.SmtpProtocolTest.START_DATA;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.core.MutableClock;
import dev.postillion.mta.smtp.ListenerRole;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code postillion.limits.message-rate-per-client} and {@code postillion.limits.sending} on two
 * nodes of one cluster: a client's (or a user's) messages are counted by one sharded counter for
 * the whole cluster, so the limit holds for the messages it sends through either node together,
 * not for each node's share. Both nodes run on
 * one injected clock that only the test moves, so no window can end between the messages.
 * Tagged "cluster": its nodes keep their shared store in PostgreSQL whatever the suite's store,
 * so CI runs it once, in its first run, with the other tests of several nodes.
 */
@Tag("cluster")
class RateLimitAcrossNodesTest {

    private static final int LIMIT = 3;
    private static final String CLIENT = "127.0.0.41";
    private static final String OTHER_CLIENT = "127.0.0.42";
    private static final String ANNA = "anna@rates.test";

    @TempDir Path one;
    @TempDir Path two;
    @TempDir Path keys;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T09:00:00Z"));
    private TwoNodes cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void messagesThroughBothNodesCountTogetherUntilTheMinuteIsOver() throws IOException {
        cluster = TwoNodes.start(one, two, keys, clock, Map.of(
                // The test's clients are loopback addresses, which are exempt by default.
                "postillion.limits.exempt-networks", List.of(),
                "postillion.limits.message-rate-per-client", LIMIT));
        TestNode nodeOne = cluster.one();
        TestNode nodeTwo = cluster.two();
        nodeOne.createMailbox(ANNA);

        String first = sent(nodeOne, CLIENT, "<first@rates.test>");
        String second = sent(nodeTwo, CLIENT, "<second@rates.test>");
        String third = sent(nodeOne, CLIENT, "<third@rates.test>");

        try (SmtpClient smtp = greeted(nodeTwo, CLIENT)) {
            assertEquals(MESSAGE_RATE, smtp.command("MAIL FROM:<fourth@sender.test>"),
                    "the fourth message in the minute, though only the second through this node");
        }
        try (SmtpClient smtp = greeted(nodeOne, CLIENT)) {
            assertEquals(MESSAGE_RATE, smtp.command("MAIL FROM:<fifth@sender.test>"), "refused on the other node too");
        }
        try (SmtpClient smtp = greeted(nodeTwo, OTHER_CLIENT)) {
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<other@sender.test>"),
                    "another client has a count of its own");
        }

        clock.advance(Duration.ofSeconds(61));
        String afterTheMinute = sent(nodeTwo, CLIENT, "<after-the-minute@rates.test>");

        // The messages let through are taken in full and stored once, each on the node that took it.
        MailboxReader mailbox = new MailboxReader(nodeOne);
        for (String queueId : List.of(first, second, third, afterTheMinute)) {
            mailbox.awaitMessage(ANNA, queueId);
        }
        assertEquals(4, mailbox.messages(ANNA).size());
    }

    /**
     * {@code postillion.limits.sending}: an authenticated user's messages through either node count
     * together, on one sharded counter whose record is in the shared store, so the second node
     * refuses the message that the first node's count brought to the limit.
     */
    @Test
    void aUsersMessagesThroughBothNodesCountTogetherAgainstItsSendingLimit() throws IOException {
        cluster = TwoNodes.start(one, two, keys, clock, Map.of("postillion.limits.sending.messages-per-hour", 2));
        TestNode nodeOne = cluster.one();
        TestNode nodeTwo = cluster.two();
        nodeOne.createMailbox(ANNA);
        String standing = "/api/v1/addresses/" + ANNA + "/sending-limits";

        submitted(nodeOne, one);
        await("the first message counted, seen through the other node").atMost(Duration.ofSeconds(10))
                .until(() -> nodeTwo.get(standing).body().contains("\"used\":{\"messagesPerHour\":1,"));
        submitted(nodeTwo, two);
        await("the second message counted").atMost(Duration.ofSeconds(10))
                .until(() -> nodeOne.get(standing).body().contains("\"used\":{\"messagesPerHour\":2,"));
        try (SmtpClient smtp = loggedIn(nodeOne, one)) {
            assertEquals("451 4.7.1 Rate limit exceeded: 2 messages per hour, resets at 2026-12-07T10:00:00Z",
                    smtp.command("MAIL FROM:<" + ANNA + ">"), "the third, though only the second through this node");
        }
    }

    /** Sends a message as anna to herself through {@code node}'s submissions port. */
    private static void submitted(TestNode node, Path dataDir) throws IOException {
        try (SmtpClient smtp = loggedIn(node, dataDir)) {
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<" + ANNA + ">"));
            assertEquals(RECIPIENT_OK, smtp.command("RCPT TO:<" + ANNA + ">"));
            assertEquals(START_DATA, smtp.command("DATA"));
            String queued = smtp.command("From: " + ANNA + "\r\nSubject: limits\r\n\r\nHello.\r\n.");
            assertTrue(queued.startsWith("250 2.0.0 Ok: queued as "), queued);
        }
    }

    private static SmtpClient loggedIn(TestNode node, Path dataDir) throws IOException {
        SmtpClient smtp = new SmtpClient(node.smtpPort(ListenerRole.SUBMISSIONS),
                TlsTrust.trusting(TlsTrust.generatedCertificate(dataDir)));
        assertEquals(GREETING, smtp.reply());
        smtp.command("EHLO client.test");
        assertEquals("235 2.7.0 Authentication successful", smtp.command("AUTH PLAIN " + Base64.getEncoder()
                .encodeToString(("\0" + ANNA + "\0secret-password").getBytes(StandardCharsets.UTF_8))));
        return smtp;
    }

    /** Sends a whole message to anna from {@code client} through {@code node}; returns its queue id. */
    private static String sent(TestNode node, String client, String messageId) throws IOException {
        try (SmtpClient smtp = greeted(node, client)) {
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<sender@sender.test>"));
            assertEquals(RECIPIENT_OK, smtp.command("RCPT TO:<" + ANNA + ">"));
            assertEquals(START_DATA, smtp.command("DATA"));
            String queued = smtp.command("Message-ID: " + messageId + "\r\nSubject: rates\r\n\r\nHello.\r\n.");
            assertTrue(queued.startsWith("250 2.0.0 Ok: queued as "), queued);
            return queued.substring("250 2.0.0 Ok: queued as ".length());
        }
    }

    private static SmtpClient greeted(TestNode node, String client) throws IOException {
        SmtpClient smtp = new SmtpClient(node.smtpPort(), client);
        assertEquals(GREETING, smtp.reply());
        assertTrue(smtp.command("EHLO client.test").startsWith("250-mx.test\n"));
        return smtp;
    }
}
