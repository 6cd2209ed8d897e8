package dev.postillion.mta;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.postillion.core.TestPostgres;
import dev.postillion.core.store.PostgresSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster's PostgreSQL stops under a node and comes back: meanwhile the node says so on
 * /health, answers 451 4.3.0 for what needs the store and still takes mail for the addresses it
 * knows (the spool is its own); once the store answers again, what it took is delivered without
 * waiting for the queue's backoff, once. Then the same for two nodes under load through a 10 s
 * outage (issue 13), driven by {@link OutageLoad}.
 * Tagged "cluster": its nodes keep their shared store in PostgreSQL whatever the suite's store,
 * so CI runs it once, in its first run, with the other tests of several nodes.
 */
@Tag("cluster")
class SharedStoreOutageTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final Duration OUTAGE = Duration.ofSeconds(10);
    private static final String LOOKUP_FAILED = "451 4.3.0 Error: temporary recipient lookup failure, try again later";
    private static final String UNREACHABLE = "shared-store-unreachable";
    /** A failed store read fails within a second, and /health looks five times a second. */
    private static final Map<String, Object> QUICK_TO_NOTICE = Map.of(
            "postillion.store.postgresql.connect-timeout", "1s",
            "postillion.store.probe-interval", "200ms");
    private static final List<String> MAILBOXES = IntStream.range(0, 4)
            .mapToObj(i -> "box-" + i + "@example.test").toList();
    private static final int SESSIONS = 8;
    /** Enough for every session to be busy, few enough to be delivered in seconds once the store is back. */
    private static final int PER_SECOND = 60;
    /** Messages each node acknowledges before the store stops, and the load after it returns. */
    private static final int SOME = 20;

    @TempDir Path dataDir;
    @TempDir Path secondDataDir;
    @TempDir Path keys;
    private TestNode node;
    private TwoNodes cluster;
    private OutageLoad load;
    private boolean serverStopped;

    @AfterEach
    void stop() {
        if (load != null) {
            load.close();
        }
        if (serverStopped) {
            TestPostgres.restartServer();
        }
        if (node != null) {
            node.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aStoreOutageIsReportedAnswered451AndLosesNothing() throws IOException {
        PostgresSettings database = TestPostgres.newDatabase();
        Map<String, Object> settings = new HashMap<>(QUICK_TO_NOTICE);
        settings.put("postillion.store.backend", "postgresql");
        settings.put("postillion.store.postgresql.url", database.url());
        settings.put("postillion.store.postgresql.user", database.user());
        node = TestNode.start(dataDir, settings, Clock.systemUTC());
        node.createMailbox("anna@example.test");
        send("<before@test>");

        stopTheStore();
        await("/health reports the store").atMost(DEADLINE).until(() -> health(node).equals(UNREACHABLE));
        assertEquals(503, node.get("/health").statusCode());
        send("<during@test>"); // anna is known: the node takes her mail into its own spool
        try (SmtpClient smtp = session(node)) {
            assertEquals(LOOKUP_FAILED, smtp.command("RCPT TO:<nobody-known@example.test>"));
        }

        restartTheStore();
        await("/health").atMost(DEADLINE).until(() -> health(node).equals("accepting"));
        MailboxReader mailbox = new MailboxReader(node);
        await("every message taken, once").atMost(DEADLINE).until(() -> messageIds(mailbox, "anna@example.test")
                .equals(List.of("<before@test>", "<during@test>")));
    }

    /**
     * Eight sessions at a time send through two nodes to four mailboxes while PostgreSQL is stopped
     * for 10 s. No sender is ever refused for good (a 5xx would bounce the mail), /health says
     * what is wrong on both nodes all along and recovers by itself, and every 250 the nodes gave
     * ends up in its mailbox exactly once, those given during the outage too.
     */
    @Test
    void twoNodesUnderLoadThroughATenSecondOutageDeferAndLoseNothing() throws Exception {
        cluster = TwoNodes.start(dataDir, secondDataDir, keys, Clock.systemUTC(), QUICK_TO_NOTICE);
        List<TestNode> nodes = List.of(cluster.one(), cluster.two());
        MAILBOXES.forEach(cluster.one()::createMailbox);
        load = OutageLoad.start(nodes, MAILBOXES, SESSIONS, PER_SECOND);
        // Before the outage, so that each node has looked up the mailboxes it then takes mail for.
        await("mail taken through both nodes").atMost(DEADLINE).until(() -> IntStream.range(0, nodes.size())
                .allMatch(n -> load.acknowledged().stream().filter(message -> message.node() == n).count() >= SOME));

        Instant stopped = stopTheStore();
        await("/health of both nodes reports the store").atMost(DEADLINE)
                .until(() -> nodes.stream().allMatch(n -> health(n).equals(UNREACHABLE)));
        // The outage lasts its 10 s while the load goes on; meanwhile each node, in turn, keeps
        // saying so and refuses an address it cannot look up with the 451 of a failed lookup.
        for (int probe = 0; Duration.between(stopped, Instant.now()).compareTo(OUTAGE) < 0; probe++) {
            TestNode prober = nodes.get(probe % nodes.size());
            assertEquals(503, prober.get("/health").statusCode());
            assertEquals(UNREACHABLE, health(prober));
            try (SmtpClient smtp = session(prober)) {
                assertEquals(LOOKUP_FAILED, smtp.command("RCPT TO:<nobody-" + probe + "@example.test>"));
            }
        }
        Instant restarted = restartTheStore();

        await("/health of both nodes, without a restart").atMost(DEADLINE)
                .until(() -> nodes.stream().allMatch(n -> health(n).equals("accepting")));
        int beforeRecovery = load.acknowledged().size();
        await("the load taken again").atMost(DEADLINE).until(() -> load.acknowledged().size() >= beforeRecovery + SOME);
        load.stop(DEADLINE);

        assertEquals(List.of(), load.refusals().stream().filter(refusal -> !refusal.reply().equals(LOOKUP_FAILED))
                .toList(), "no reply but the 451 4.3.0 of a failed lookup ends a session early");
        assertTrue(load.acknowledged().stream().anyMatch(message -> message.at().isAfter(stopped)
                && message.at().isBefore(restarted)), "mail for known addresses is taken during the outage");
        MailboxReader mailboxes = new MailboxReader(cluster.two());
        for (String mailbox : MAILBOXES) {
            List<String> acknowledged = load.acknowledgedFor(mailbox);
            await(acknowledged.size() + " messages in " + mailbox + ", once each").atMost(DEADLINE)
                    .until(() -> unlike(acknowledged, messageIds(mailboxes, mailbox)), String::isEmpty);
        }
    }

    private Instant stopTheStore() {
        TestPostgres.stopServer();
        serverStopped = true;
        return Instant.now();
    }

    private Instant restartTheStore() {
        Instant restarting = Instant.now();
        TestPostgres.restartServer();
        serverStopped = false;
        return restarting;
    }

    /** The Message-IDs in the mailbox, sorted, one per stored message (the load's fit in one listing). */
    private static List<String> messageIds(MailboxReader reader, String mailbox) {
        return reader.messages(mailbox, 10_000).stream().map(message -> message.get("messageId").asText())
                .sorted().toList();
    }

    /**
     * How the stored Message-IDs differ from the acknowledged ones, both sorted: empty when each
     * acknowledged message is stored once and nothing else is; else a line short enough to read.
     */
    private static String unlike(List<String> acknowledged, List<String> stored) {
        if (acknowledged.equals(stored)) {
            return "";
        }
        List<String> missing = acknowledged.stream().filter(id -> !stored.contains(id)).toList();
        List<String> extra = new ArrayList<>(stored);
        acknowledged.forEach(extra::remove);
        return missing.size() + " missing " + missing.stream().limit(5).toList() + ", " + extra.size()
                + " stored twice or never acknowledged " + extra.stream().limit(5).toList();
    }

    private static String health(TestNode node) {
        try {
            return new ObjectMapper().readTree(node.get("/health").body()).get("status").asText();
        } catch (JsonProcessingException e) {
            throw new AssertionError("/health is not JSON", e);
        }
    }

    private static SmtpClient session(TestNode node) throws IOException {
        SmtpClient smtp = new SmtpClient(node.smtpPort());
        assertTrue(smtp.reply().startsWith("220"));
        assertTrue(smtp.command("EHLO client.test").startsWith("250"));
        assertTrue(smtp.command("MAIL FROM:<sender@remote.test>").startsWith("250"));
        return smtp;
    }

    private void send(String messageId) throws IOException {
        try (SmtpClient smtp = session(node)) {
            String rcpt = smtp.command("RCPT TO:<anna@example.test>");
            assertTrue(rcpt.startsWith("250"), rcpt);
            assertTrue(smtp.command("DATA").startsWith("354"));
            String queued = smtp.command("Message-ID: " + messageId + "\r\nSubject: outage\r\n\r\nHello.\r\n.");
            assertTrue(queued.startsWith("250"), queued);
        }
    }
}
