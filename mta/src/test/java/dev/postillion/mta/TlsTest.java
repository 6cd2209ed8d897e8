package dev.postillion.mta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.mta.smtp.ListenerRole;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * STARTTLS (RFC 3207) on the MX and submission ports, implicit TLS (RFC 8314) on the submissions
 * port, with the certificate the node made for itself, as real clients use them.
 */
class TlsTest {

    private static final Pattern QUEUED = Pattern.compile("250 2\\.0\\.0 Ok: queued as ([0-9A-F]{24})\\s*");
    /** Postfix's form of the TLS comment; the protocol is ESMTPS, ESMTPSA once authenticated (RFC 3848). */
    private static final Pattern TLS_RECEIVED = Pattern.compile("Received: from client\\.test \\(\\[127\\.0\\.0\\.1]\\)\r\n"
            + "\t\\(using TLSv1\\.3 with cipher TLS_[A-Z0-9_]+ \\((128|256)/\\1 bits\\)\\)\r\n"
            + "\tby mx\\.test \\(Postillion\\) with ESMTPSA? id ");
    private static final String ANNA = "anna@example.test";

    @TempDir static Path dataDir;
    static TestNode node;
    static MailboxReader mailboxes;
    static SSLContext trust;

    @BeforeAll
    static void start() {
        node = TestNode.start(dataDir);
        node.createMailbox(ANNA);
        mailboxes = new MailboxReader(node);
        trust = TlsTrust.trusting(TlsTrust.generatedCertificate(dataDir));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void jakartaMailWithStartTlsRequiredDeliversThroughTheMxPort() throws Exception {
        assertDeliveredOverTls(startTlsRequired(node.smtpPort(ListenerRole.MX)));
    }

    @Test
    void jakartaMailWithStartTlsRequiredDeliversThroughTheSubmissionPort() throws Exception {
        assertDeliveredOverTls(authenticated(startTlsRequired(node.smtpPort(ListenerRole.SUBMISSION))));
    }

    @Test
    void jakartaMailWithImplicitTlsDeliversThroughTheSubmissionsPort() throws Exception {
        Properties properties = properties(node.smtpPort(ListenerRole.SUBMISSIONS));
        properties.put("mail.smtp.ssl.enable", "true");
        assertDeliveredOverTls(authenticated(properties));
    }

    @Test
    void theReceivedFieldNamesTheVersionAndCipherTheHandshakeAgreedOn() throws IOException {
        try (SmtpClient smtp = new SmtpClient(node.smtpPort())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            assertEquals("220 2.0.0 Ready to start TLS", smtp.command("STARTTLS"));
            SSLSession tls = smtp.startTls(trust);
            smtp.command("EHLO client.test");
            smtp.command("MAIL FROM:<bob@sender.test>");
            smtp.command("RCPT TO:<" + ANNA + ">");
            smtp.command("DATA");
            String queueId = queueId(smtp.command("Subject: exact\r\n\r\nHello\r\n."));
            String raw = mailboxes.raw(ANNA, mailboxes.awaitMessage(ANNA, queueId));
            String bits = tls.getCipherSuite().contains("AES_128") ? "128/128" : "256/256";
            assertTrue(raw.contains("Received: from client.test ([127.0.0.1])\r\n\t(using " + tls.getProtocol()
                    + " with cipher " + tls.getCipherSuite() + " (" + bits + " bits))\r\n\tby mx.test (Postillion) with ESMTPS id "
                    + queueId + "\r\n\tfor <" + ANNA + ">; "), raw);
        }
    }

    /** RFC 3207 section 4.2 and CVE-2011-0411: what came with STARTTLS in plain text is dropped. */
    @Test
    void commandsPipelinedAfterStartTlsAreNeverExecutedUnderTls() throws IOException {
        try (SmtpClient smtp = new SmtpClient(node.smtpPort())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            smtp.send("STARTTLS\r\nMAIL FROM:<mallory@evil.test>\r\nRSET\r\n");
            assertEquals("220 2.0.0 Ready to start TLS", smtp.reply());
            smtp.startTls(trust);
            // The first reply under TLS answers the first command sent under TLS.
            assertTrue(smtp.command("EHLO client.test").startsWith("250-mx.test\n"));
            assertEquals("503 5.5.1 Error: need MAIL command", smtp.command("RCPT TO:<" + ANNA + ">"));
            assertEquals("250 2.0.0 Ok", smtp.command("NOOP"));
        }
    }

    @Test
    void afterStartTlsTheClientMustSayEhloAgainAndStartTlsIsNoLongerOffered() throws IOException {
        try (SmtpClient smtp = new SmtpClient(node.smtpPort(ListenerRole.SUBMISSION))) {
            smtp.reply();
            assertTrue(smtp.command("EHLO client.test").contains("\n250-STARTTLS\n"));
            smtp.command("STARTTLS");
            smtp.startTls(trust);
            assertEquals("503 5.5.1 Error: send HELO/EHLO first", smtp.command("MAIL FROM:<bob@sender.test>"));
            assertFalse(smtp.command("EHLO client.test").contains("STARTTLS"));
            assertEquals("503 5.5.1 Error: TLS already active", smtp.command("STARTTLS"));
            // The submission port takes mail from users only (RFC 6409 section 4.3).
            assertEquals("530 5.7.0 Authentication required", smtp.command("MAIL FROM:<bob@sender.test>"));
        }
    }

    @Test
    void startTlsTakesNoParameterAndNotInsideATransaction() throws IOException {
        try (SmtpClient smtp = new SmtpClient(node.smtpPort())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            assertEquals("501 5.5.4 Syntax: STARTTLS", smtp.command("STARTTLS now"));
            smtp.command("MAIL FROM:<bob@sender.test>");
            assertEquals("503 5.5.1 Error: MAIL transaction in progress", smtp.command("STARTTLS"));
            // Refused, the connection goes on in plain text.
            assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + ANNA + ">"));
        }
    }

    @Test
    void theImplicitTlsPortGreetsUnderTlsAndNeverOffersStartTls() throws IOException {
        try (SmtpClient smtp = new SmtpClient(node.smtpPort(ListenerRole.SUBMISSIONS), trust)) {
            assertEquals("220 mx.test ESMTP Postillion", smtp.reply());
            assertFalse(smtp.command("EHLO client.test").contains("STARTTLS"));
            assertEquals("503 5.5.1 Error: TLS already active", smtp.command("STARTTLS"));
            assertEquals("TLSv1.3", smtp.tlsSession().getProtocol());
        }
    }

    /** A TLS 1.1 ClientHello (RFC 4346 section 7.4.1.2) is answered with a protocol_version alert. */
    @Test
    void aTls11ClientIsRefused() throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), node.smtpPort(ListenerRole.SUBMISSIONS))) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(tls11ClientHello());
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] alert = in.readNBytes(7);
            assertEquals(7, alert.length);
            assertEquals(21, alert[0], "an alert record");
            assertEquals(2, alert[5], "fatal");
            assertEquals(70, alert[6], "protocol_version");
        }
    }

    private static byte[] tls11ClientHello() {
        byte[] body = new byte[43];
        body[0] = 3; // client_version 3.2: TLS 1.1
        body[1] = 2;
        // 32 bytes of random (zeros do), an empty session id, two suites, no compression.
        int at = 2 + 32 + 1;
        byte[] rest = {0, 4, (byte) 0xC0, 0x13, 0x00, 0x2F, 1, 0};
        System.arraycopy(rest, 0, body, at, rest.length);
        byte[] record = new byte[5 + 4 + body.length];
        byte[] header = {22, 3, 1, 0, (byte) (4 + body.length), 1, 0, 0, (byte) body.length};
        System.arraycopy(header, 0, record, 0, header.length);
        System.arraycopy(body, 0, record, header.length, body.length);
        return record;
    }

    private static Properties startTlsRequired(int port) {
        Properties properties = properties(port);
        properties.put("mail.smtp.starttls.enable", "true");
        properties.put("mail.smtp.starttls.required", "true");
        return properties;
    }

    /** The session logs in as Anna with AUTH PLAIN, and Anna sends. */
    private static Properties authenticated(Properties properties) {
        properties.put("mail.smtp.auth", "true");
        properties.put("mail.smtp.auth.mechanisms", "PLAIN");
        properties.put("mail.smtp.from", ANNA);
        return properties;
    }

    private static Properties properties(int port) {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", "127.0.0.1");
        properties.put("mail.smtp.port", String.valueOf(port));
        properties.put("mail.smtp.localhost", "client.test");
        properties.put("mail.smtp.timeout", "10000");
        properties.put("mail.smtp.ssl.socketFactory", trust.getSocketFactory());
        // The certificate names mx.test, and the test connects to 127.0.0.1: trust is in the factory.
        properties.put("mail.smtp.ssl.checkserveridentity", "false");
        return properties;
    }

    private static void assertDeliveredOverTls(Properties properties) throws MessagingException {
        Session session = Session.getInstance(properties);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(properties.containsKey("mail.smtp.auth") ? ANNA : "alice@sender.test"));
        message.setRecipients(MimeMessage.RecipientType.TO, ANNA);
        message.setSubject("Over TLS");
        message.setText("Hello Anna");
        String queueId;
        try (SMTPTransport transport = (SMTPTransport) session.getTransport("smtp")) {
            if (properties.containsKey("mail.smtp.auth")) {
                transport.connect(ANNA, "secret-password");
            } else {
                transport.connect();
            }
            transport.sendMessage(message, message.getAllRecipients());
            queueId = queueId(transport.getLastServerResponse());
        }
        String raw = mailboxes.raw(ANNA, mailboxes.awaitMessage(ANNA, queueId));
        assertTrue(TLS_RECEIVED.matcher(raw).find(), raw);
    }

    private static String queueId(String reply) {
        Matcher queued = QUEUED.matcher(reply);
        assertTrue(queued.matches(), reply);
        return queued.group(1);
    }
}
