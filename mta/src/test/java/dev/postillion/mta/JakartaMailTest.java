package dev.postillion.mta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.activation.DataHandler;
import jakarta.mail.BodyPart;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real client library, Jakarta Mail (Angus), talks to the node as any mail server would be talked to. */
class JakartaMailTest {

    private static final List<String> RECIPIENTS = List.of("anna@example.test", "bert@example.test");
    private static final Pattern QUEUED = Pattern.compile("250 2\\.0\\.0 Ok: queued as ([0-9A-F]{24})\\s*");
    private static final byte[] ATTACHMENT = attachment();

    @TempDir static Path dataDir;
    static TestNode node;
    static MailboxReader mailboxes;

    @BeforeAll
    static void start() {
        node = TestNode.start(dataDir);
        RECIPIENTS.forEach(node::createMailbox);
        mailboxes = new MailboxReader(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void aMultipartMessageWithAnAttachmentReachesBothRecipients() throws Exception {
        Session session = session();
        MimeMessage sent = multipartMessage(session);
        String queueId = send(session, sent);
        for (String recipient : RECIPIENTS) {
            JsonNode listed = mailboxes.awaitMessage(recipient, queueId);
            assertEquals("Quarterly report", listed.get("subject").asText());
            assertEquals("Alice Example <alice@sender.test>", listed.get("from").asText());
            assertEquals(sent.getMessageID(), listed.get("messageId").asText());
            assertEquals("<alice@sender.test>", listed.get("returnPath").asText());
            assertAttachmentIntact(session, mailboxes.raw(recipient, listed));
        }
    }

    private static Session session() {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", "127.0.0.1");
        properties.put("mail.smtp.port", String.valueOf(node.smtpPort()));
        properties.put("mail.smtp.localhost", "client.test");
        properties.put("mail.smtp.timeout", "10000");
        return Session.getInstance(properties);
    }

    private static MimeMessage multipartMessage(Session session) throws MessagingException, IOException {
        MimeBodyPart text = new MimeBodyPart();
        text.setText("Hello Anna, hello Bert,\n\nthe figures are attached.\n", "UTF-8");
        MimeBodyPart report = new MimeBodyPart();
        report.setDataHandler(new DataHandler(new ByteArrayDataSource(ATTACHMENT, "application/pdf")));
        report.setFileName("report.pdf");
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("alice@sender.test", "Alice Example", "UTF-8"));
        for (String recipient : RECIPIENTS) {
            message.addRecipient(RecipientType.TO, new InternetAddress(recipient));
        }
        message.setSubject("Quarterly report");
        message.setContent(new MimeMultipart(text, report));
        message.saveChanges();
        return message;
    }

    /** Sends over one connection and returns the queue id from the server's last reply. */
    private static String send(Session session, MimeMessage message) throws MessagingException {
        try (SMTPTransport transport = (SMTPTransport) session.getTransport("smtp")) {
            transport.connect();
            transport.sendMessage(message, message.getAllRecipients());
            Matcher queued = QUEUED.matcher(transport.getLastServerResponse());
            assertTrue(queued.matches(), transport.getLastServerResponse());
            return queued.group(1);
        }
    }

    private static void assertAttachmentIntact(Session session, String raw) throws MessagingException, IOException {
        MimeMessage stored = new MimeMessage(session, new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)));
        Multipart parts = (Multipart) stored.getContent();
        assertEquals(2, parts.getCount());
        assertTrue(((String) parts.getBodyPart(0).getContent()).startsWith("Hello Anna, hello Bert,"));
        BodyPart report = parts.getBodyPart(1);
        assertEquals("report.pdf", report.getFileName());
        assertArrayEquals(ATTACHMENT, report.getInputStream().readAllBytes());
    }

    /** Binary bytes, so the attachment travels base64-encoded. */
    private static byte[] attachment() {
        byte[] bytes = new byte[5000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        return bytes;
    }
}
