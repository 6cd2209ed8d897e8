package dev.postillion.mta;

import static dev.postillion.mta.SmtpProtocolTest.connect;
import static dev.postillion.mta.SmtpProtocolTest.message;
import static dev.postillion.mta.SmtpProtocolTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole local path over real SMTP and a real store (issue 12, defect 14: this test used to
 * check only the greeting): a message accepted over SMTP is stored, with its delivery headers and
 * its content, in the recipient's inbox, and leaves the queue.
 */
class LocalDeliveryTest {
    @TempDir Path dataDir;
    TestNode node;

    @BeforeEach void start() {
        node = TestNode.start(dataDir);
        node.createMailbox("anna@example.test");
    }

    @AfterEach void stop() {
        node.close();
    }

    @Test void messageAcceptedOverSmtpIsStoredInTheMailbox() throws Exception {
        String id;
        try (SmtpClient smtp = connect(node)) {
            id = send(smtp, "<sender@sender.test>", message("local delivery"), "anna@example.test");
        }
        MailboxReader mailboxes = new MailboxReader(node);
        JsonNode stored = mailboxes.awaitMessage("anna@example.test", id);
        assertEquals("INBOX", stored.get("folder").asText());
        assertEquals("local delivery", stored.get("subject").asText());
        String raw = mailboxes.raw("anna@example.test", stored);
        assertTrue(raw.startsWith("Return-Path: <sender@sender.test>\r\nDelivered-To: anna@example.test\r\n"), raw);
        assertTrue(raw.endsWith("\r\nSubject: local delivery\r\nMessage-ID: <local-delivery@sender.test>\r\n\r\nbody\r\n"),
                raw);
        new QueueApi(node).awaitGone(id);
        assertEquals(1, mailboxes.messages("anna@example.test").size());
    }
}
