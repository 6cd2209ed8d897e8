package dev.postillion.mta;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.postillion.core.TestPostgres;
import dev.postillion.core.store.PostgresSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster's PostgreSQL stops under a node and comes back: meanwhile the node says so on
 * /health, answers 451 4.3.0 for what needs the store and still takes mail for the addresses it
 * knows (the spool is its own); once the store answers again, what it took is delivered without
 * waiting for the queue's backoff, once.
 */
class SharedStoreOutageTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir Path dataDir;
    private TestNode node;
    private boolean serverStopped;

    @AfterEach
    void stop() {
        if (serverStopped) {
            TestPostgres.restartServer();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void aStoreOutageIsReportedAnswered451AndLosesNothing() throws IOException {
        PostgresSettings database = TestPostgres.newDatabase();
        node = TestNode.start(dataDir, Map.of(
                "postillion.store.backend", "postgresql",
                "postillion.store.postgresql.url", database.url(),
                "postillion.store.postgresql.user", database.user(),
                "postillion.store.postgresql.connect-timeout", "1s",
                "postillion.store.probe-interval", "200ms"), Clock.systemUTC());
        node.createMailbox("anna@example.test");
        send("<before@test>");

        TestPostgres.stopServer();
        serverStopped = true;
        await("/health reports the store").atMost(DEADLINE).until(() -> health().equals("shared-store-unreachable"));
        assertEquals(503, node.get("/health").statusCode());
        send("<during@test>"); // anna is known: the node takes her mail into its own spool
        try (SmtpClient smtp = session()) {
            assertEquals("451 4.3.0 Error: temporary recipient lookup failure, try again later",
                    smtp.command("RCPT TO:<nobody-known@example.test>"));
        }

        TestPostgres.restartServer();
        serverStopped = false;
        await("/health").atMost(DEADLINE).until(() -> health().equals("accepting"));
        MailboxReader mailbox = new MailboxReader(node);
        await("every message taken, once").atMost(DEADLINE).until(() -> mailbox.messages("anna@example.test").stream()
                .map(message -> message.get("messageId").asText()).sorted().toList()
                .equals(List.of("<before@test>", "<during@test>")));
    }

    private String health() throws IOException {
        return new ObjectMapper().readTree(node.get("/health").body()).get("status").asText();
    }

    private SmtpClient session() throws IOException {
        SmtpClient smtp = new SmtpClient(node.smtpPort());
        assertTrue(smtp.reply().startsWith("220"));
        assertTrue(smtp.command("EHLO client.test").startsWith("250"));
        assertTrue(smtp.command("MAIL FROM:<sender@remote.test>").startsWith("250"));
        return smtp;
    }

    private void send(String messageId) throws IOException {
        try (SmtpClient smtp = session()) {
            String rcpt = smtp.command("RCPT TO:<anna@example.test>");
            assertTrue(rcpt.startsWith("250"), rcpt);
            assertTrue(smtp.command("DATA").startsWith("354"));
            String queued = smtp.command("Message-ID: " + messageId + "\r\nSubject: outage\r\n\r\nHello.\r\n.");
            assertTrue(queued.startsWith("250"), queued);
        }
    }
}
