package dev.postillion.mta;

import static dev.postillion.mta.SmtpProtocolTest.GREETING;
import static dev.postillion.mta.SmtpProtocolTest.RECIPIENT_OK;
import static dev.postillion.mta.SmtpProtocolTest.SENDER_OK;
import static dev.postillion.mta.SmtpProtocolTest.START_DATA;
import static dev.postillion.mta.SmtpProtocolTest.queueId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SMTP server's log for operators ({@code postillion.smtpd}), line for line in Postfix's
 * shapes: what fail2ban filters and troubleshooting read. Each test's client has its own loopback
 * address, so that its lines are told apart from the others'.
 */
class SmtpLogTest {

    private static final String ANNA = "anna@log.test";

    @TempDir static Path dataDir;
    static TestNode node;
    static MailboxReader mailboxes;
    static SSLContext trust;
    CapturedLog log;

    @BeforeAll
    static void start() {
        node = TestNode.start(dataDir, Map.of("postillion.smtp.idle-timeout", "3s"), Clock.systemUTC());
        node.createMailbox(ANNA);
        mailboxes = new MailboxReader(node);
        trust = TlsTrust.trusting(TlsTrust.generatedCertificate(dataDir));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @BeforeEach
    void capture() {
        log = new CapturedLog("postillion.smtpd");
    }

    @AfterEach
    void release() {
        log.close();
    }

    @Test
    void aSessionIsLoggedFromConnectToDisconnectWithItsRefusalsAndItsMessage() throws IOException {
        String id;
        try (SmtpClient smtp = new SmtpClient(node.smtpPort(), "127.0.0.41")) {
            assertEquals(GREETING, smtp.reply());
            assertTrue(smtp.command("EHLO client.test").startsWith("250-mx.test\n"));
            assertTrue(smtp.command("MAIL FROM:<alice@sender.test> SIZE=999999999999").startsWith("552 "));
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<alice@sender.test>"));
            assertTrue(smtp.command("RCPT TO:<x@elsewhere.test>").startsWith("554 "));
            assertTrue(smtp.command("RCPT TO:<nobody@log.test>").startsWith("550 "));
            assertTrue(smtp.command("RCPT TO:nobody@log.test").startsWith("501 "));
            assertEquals(RECIPIENT_OK, smtp.command("RCPT TO:<" + ANNA + ">"));
            assertEquals(START_DATA, smtp.command("DATA"));
            id = queueId(smtp.command("Subject: logged\r\n\r\nbody\r\n."));
            assertEquals("221 2.0.0 Bye", smtp.command("QUIT"));
        }
        String client = "unknown[127.0.0.41]";
        log.awaitLine(line -> line.startsWith("disconnect from " + client));
        String tail = " proto=ESMTP helo=<client.test>";
        assertEquals(List.of(
                "connect from " + client,
                "NOQUEUE: reject: MAIL from " + client + ": 552 5.3.4 Error: message size exceeds fixed maximum"
                        + " message size; from=<alice@sender.test>" + tail,
                "NOQUEUE: reject: RCPT from " + client + ": 554 5.7.1 <x@elsewhere.test>: Relay access denied;"
                        + " from=<alice@sender.test> to=<x@elsewhere.test>" + tail,
                "NOQUEUE: reject: RCPT from " + client + ": 550 5.1.1 <nobody@log.test>: Recipient address rejected:"
                        + " User unknown in virtual mailbox table; from=<alice@sender.test> to=<nobody@log.test>" + tail,
                "NOQUEUE: reject: RCPT from " + client + ": 501 5.5.4 Syntax: RCPT TO:<address>;"
                        + " from=<alice@sender.test>" + tail,
                id + ": client=" + client + ", proto=ESMTP, helo=<client.test>, tls=none",
                id + ": from=<alice@sender.test>, size=" + spooledSize(id) + ", nrcpt=1",
                "disconnect from " + client + " ehlo=1 mail=1/2 rcpt=1/4 data=1 quit=1 commands=5/9"),
                linesAbout(client, id));
    }

    @Test
    void aBareLfIsLoggedAsARejectAndCountedAsUnknown() throws IOException {
        try (SmtpClient smtp = new SmtpClient(node.smtpPort(), "127.0.0.42")) {
            assertEquals(GREETING, smtp.reply());
            assertTrue(smtp.command("EHLO client.test").startsWith("250-mx.test\n"));
            smtp.send("NOOP\n");
            assertEquals("500 5.5.2 Error: bare <LF> received", smtp.reply());
            assertEquals("221 2.0.0 Bye", smtp.command("QUIT"));
        }
        String client = "unknown[127.0.0.42]";
        log.awaitLine(line -> line.startsWith("disconnect from " + client));
        assertEquals(List.of(
                "connect from " + client,
                "NOQUEUE: reject: bare <LF> from " + client + ": 500 5.5.2 Error: bare <LF> received;"
                        + " proto=ESMTP helo=<client.test>",
                "disconnect from " + client + " ehlo=1 quit=1 unknown=0/1 commands=2/3"),
                linesAbout(client, "-"));
    }

    @Test
    void theTlsSessionIsLoggedAndNamedInTheAcceptanceLine() throws IOException {
        String id;
        SSLSession tls;
        try (SmtpClient smtp = new SmtpClient(node.smtpPort(), "127.0.0.43")) {
            assertEquals(GREETING, smtp.reply());
            smtp.command("EHLO client.test");
            assertEquals("220 2.0.0 Ready to start TLS", smtp.command("STARTTLS"));
            tls = smtp.startTls(trust);
            smtp.command("EHLO client.test");
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<>"));
            assertEquals(RECIPIENT_OK, smtp.command("RCPT TO:<" + ANNA + ">"));
            assertEquals(START_DATA, smtp.command("DATA"));
            id = queueId(smtp.command("Subject: secret\r\n\r\nbody\r\n."));
            assertEquals("221 2.0.0 Bye", smtp.command("QUIT"));
        }
        String client = "unknown[127.0.0.43]";
        log.awaitLine(line -> line.startsWith("disconnect from " + client));
        String bits = tls.getCipherSuite().contains("AES_128") ? "128/128" : "256/256";
        assertEquals(List.of(
                "connect from " + client,
                "Anonymous TLS connection established from " + client + ": " + tls.getProtocol() + " with cipher "
                        + tls.getCipherSuite() + " (" + bits + " bits)",
                id + ": client=" + client + ", proto=ESMTPS, helo=<client.test>, tls=" + tls.getProtocol() + "/"
                        + tls.getCipherSuite(),
                id + ": from=<>, size=" + spooledSize(id) + ", nrcpt=1",
                "disconnect from " + client + " ehlo=2 starttls=1 mail=1 rcpt=1 data=1 quit=1 commands=7"),
                linesAbout(client, id));
    }

    @Test
    void aSessionEndedByTheServerSaysWhyAndAfterWhichCommand() throws IOException {
        try (SmtpClient smtp = new SmtpClient(node.smtpPort(), "127.0.0.45")) {
            assertEquals(GREETING, smtp.reply());
            for (int i = 0; i < 19; i++) {
                assertEquals("500 5.5.2 Error: command not recognized", smtp.command("FROB"));
            }
            assertEquals("503 5.5.1 Error: send HELO/EHLO first", smtp.command("RCPT TO:<" + ANNA + ">"));
            assertEquals("421 4.7.0 mx.test Error: too many errors", smtp.reply());
        }
        try (SmtpClient smtp = new SmtpClient(node.smtpPort(), "127.0.0.46")) {
            assertEquals(GREETING, smtp.reply());
            assertTrue(smtp.command("EHLO client.test").startsWith("250-mx.test\n"));
            // Silent past the idle timeout (3 seconds here).
            assertEquals("421 4.4.2 mx.test Error: timeout exceeded", smtp.reply());
        }
        assertEquals("too many errors after RCPT from unknown[127.0.0.45]",
                log.awaitLine(line -> line.startsWith("too many errors after ")));
        assertEquals("timeout after EHLO from unknown[127.0.0.46]", log.awaitLine(line -> line.startsWith("timeout after ")));
    }

    @Test
    void aConnectionOverTheLimitsIsLoggedAsARejectedConnect() throws IOException {
        // Early talkers are refused only with a greeting delay; a refused connection is one line.
        try (TestNode delayed = TestNode.start(dataDir.resolve("delayed"),
                Map.of("postillion.limits.greeting-delay", "5s"), Clock.systemUTC());
                SmtpClient smtp = new SmtpClient(delayed.smtpPort(), "127.0.0.44")) {
            smtp.send("EHLO early.test\r\n");
            assertTrue(smtp.reply().startsWith("554 5.5.1 "));
            String line = log.awaitLine(text -> text.contains("127.0.0.44"));
            assertEquals("NOQUEUE: reject: CONNECT from unknown[127.0.0.44]: 554 5.5.1 Error: SMTP protocol"
                    + " violation (sent before the greeting)", line);
            assertEquals(Map.of("client", "127.0.0.44", "listener", "mx", "outcome", "reject"), log.fields(line));
        }
    }

    /** The lines naming {@code client}, and those about message {@code id}. */
    private List<String> linesAbout(String client, String id) {
        return log.lines().stream().filter(line -> line.contains(client) || line.startsWith(id + ": ")).toList();
    }

    /** What the spool holds of the message: as stored, without the mailbox's Return-Path and Delivered-To. */
    private static int spooledSize(String id) {
        byte[] stored = mailboxes.bytes(ANNA, mailboxes.awaitMessage(ANNA, id));
        String text = new String(stored, StandardCharsets.ISO_8859_1);
        int received = text.indexOf("Received: ");
        return stored.length - received;
    }
}
