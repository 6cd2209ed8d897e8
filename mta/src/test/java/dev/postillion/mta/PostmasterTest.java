package dev.postillion.mta;

import static dev.postillion.mta.SmtpProtocolTest.OK;
import static dev.postillion.mta.SmtpProtocolTest.RECIPIENT_OK;
import static dev.postillion.mta.SmtpProtocolTest.SENDER_OK;
import static dev.postillion.mta.SmtpProtocolTest.connect;
import static dev.postillion.mta.SmtpProtocolTest.message;
import static dev.postillion.mta.SmtpProtocolTest.queueId;
import static dev.postillion.mta.SmtpProtocolTest.transaction;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mail for the postmaster (RFC 5321 section 4.5.1) over SMTP, ending in the mailbox named by
 * {@code postillion.postmaster}: the bare {@code <Postmaster>}, postmaster at a hosted domain, and
 * postmaster and MAILER-DAEMON at the node's hostname (mx.test, not a hosted domain).
 */
class PostmasterTest {

    static final String ADMIN = "admin@example.test";

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Configured {
        TestNode node;
        MailboxReader mailboxes;

        @BeforeAll
        void start(@TempDir Path dataDir) {
            node = TestNode.start(dataDir, Map.of("postillion.postmaster", ADMIN), Clock.systemUTC());
            node.createMailbox(ADMIN);
            node.createMailbox("postmaster@own.test");
            mailboxes = new MailboxReader(node);
        }

        @AfterAll
        void stop() {
            node.close();
        }

        @ParameterizedTest
        @ValueSource(strings = {"Postmaster", "postmaster", "POSTMASTER", "postmaster@example.test",
            "PostMaster@example.test", "postmaster@mx.test", "MAILER-DAEMON@mx.test", "mailer-daemon@MX.test"})
        void isStoredInTheConfiguredMailbox(String recipient) throws IOException {
            try (SmtpClient smtp = connect(node)) {
                String id = queueId(transaction(smtp, "<someone@sender.test>", message("for " + recipient),
                        recipient));
                String raw = mailboxes.raw(ADMIN, mailboxes.awaitMessage(ADMIN, id));
                assertTrue(raw.contains("Subject: for " + recipient + "\r\n"), raw);
            }
        }

        @Test
        void aPostmasterAddressThatWasCreatedKeepsItsMail() throws IOException {
            try (SmtpClient smtp = connect(node)) {
                String id = queueId(transaction(smtp, "<someone@sender.test>", message("own postmaster"),
                        "postmaster@own.test"));
                mailboxes.awaitMessage("postmaster@own.test", id);
            }
        }

        @Test
        void otherUnknownAddressesAndOtherDomainsAreStillRefused() throws IOException {
            try (SmtpClient smtp = connect(node)) {
                assertEquals(SENDER_OK, smtp.command("MAIL FROM:<someone@sender.test>"));
                assertEquals("550 5.1.1 <abuse@example.test>: Recipient address rejected: User unknown in virtual"
                        + " mailbox table", smtp.command("RCPT TO:<abuse@example.test>"));
                assertEquals("554 5.7.1 <postmaster@elsewhere.test>: Relay access denied",
                        smtp.command("RCPT TO:<postmaster@elsewhere.test>"));
                assertEquals("501 5.1.3 Bad recipient address syntax: address must have the form local-part@domain",
                        smtp.command("RCPT TO:<abuse>"));
                assertEquals(RECIPIENT_OK, smtp.command("RCPT TO:<Postmaster>"));
            }
        }
    }

    /** Without a postillion.postmaster naming a hosted mailbox, the postmaster's mail is our fault, and deferred. */
    abstract class WithoutPostmasterMailbox {
        TestNode node;

        abstract Map<String, ?> settings();

        @BeforeAll
        void start(@TempDir Path dataDir) {
            node = TestNode.start(dataDir, settings(), Clock.systemUTC());
            node.createMailbox(ADMIN);
        }

        @AfterAll
        void stop() {
            node.close();
        }

        @Test
        void postmasterRecipientsAreDeferredWith451() throws IOException {
            try (SmtpClient smtp = connect(node)) {
                assertEquals(SENDER_OK, smtp.command("MAIL FROM:<someone@sender.test>"));
                for (String recipient : new String[] {"Postmaster", "postmaster@example.test", "MAILER-DAEMON@mx.test"}) {
                    assertEquals("451 4.3.5 <" + recipient + ">: Recipient address rejected: no postmaster mailbox is"
                            + " configured, try again later", smtp.command("RCPT TO:<" + recipient + ">"));
                }
                assertEquals(OK, smtp.command("NOOP"));
            }
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class NotConfigured extends WithoutPostmasterMailbox {
        @Override
        Map<String, ?> settings() {
            return Map.of();
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class NotAMailbox extends WithoutPostmasterMailbox {
        @Override
        Map<String, ?> settings() {
            return Map.of("postillion.postmaster", "nobody@example.test");
        }
    }
}
