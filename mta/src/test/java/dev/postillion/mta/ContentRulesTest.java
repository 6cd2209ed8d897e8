package dev.postillion.mta;

import static dev.postillion.mta.SmtpProtocolTest.OK;
import static dev.postillion.mta.SmtpProtocolTest.commands;
import static dev.postillion.mta.SmtpProtocolTest.connect;
import static dev.postillion.mta.SmtpProtocolTest.message;
import static dev.postillion.mta.SmtpProtocolTest.queueId;
import static dev.postillion.mta.SmtpProtocolTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The content rules of SPEC section 4 over real SMTP: the exact replies, the session going on
 * after them, and nothing of a refused message queued or stored.
 */
class ContentRulesTest {

    private static final String ANNA = "anna@example.test";
    private static final String FORBIDDEN = "554 5.7.0 Message is rejected by headers rule filter";
    private static final String NON_ASCII = "554 5.6.7 Error: non-ASCII character in header Subject;"
            + " send with SMTPUTF8 or encode it (RFC 2047)";
    private static final String HEADER_TOO_BIG =
            "552 5.3.4 Error: message header size exceeds fixed maximum header size";

    @TempDir static Path dataDir;
    static TestNode node;
    static MailboxReader mailboxes;

    @BeforeAll
    static void start() {
        node = TestNode.start(dataDir);
        node.createMailbox(ANNA);
        mailboxes = new MailboxReader(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void aForbiddenAttachmentIsRefused() throws IOException {
        try (CapturedLog log = new CapturedLog("dev.postillion.mta.smtp.MessagePolicy")) {
            assertRefused(FORBIDDEN, withAttachment("exe attached", "attachment; filename=\"setup.exe\"", "MZ".getBytes()));
            // The line the operator greps, with its client and reason as the JSON log format's fields.
            String line = log.awaitLine(text -> text.contains("refused: "));
            assertTrue(line.startsWith("client=[127.0.0.1], helo="), line);
            assertEquals(Map.of("client", "127.0.0.1", "outcome", "content"), log.fields(line));
        }
    }

    @Test
    void aForbiddenNameInsideAZipIsRefused() throws IOException {
        byte[] zip = zip("docs/readme.txt", "invoice.pdf.js");
        assertRefused(FORBIDDEN, withAttachment("zip attached", "attachment; filename*=UTF-8''Rechnung%20M%C3%A4rz.zip",
                zip));
    }

    @Test
    void aCorruptZipIsRefused() throws IOException {
        assertRefused(FORBIDDEN, withAttachment("corrupt zip", "attachment; filename=\"a.zip\"",
                "not an archive".getBytes()));
    }

    @Test
    void nonAsciiHeadersNeedSmtputf8() throws IOException {
        String content = "From: a@sender.test\r\nSubject: Gr\u00fc\u00dfe\r\n\r\nbody\r\n";
        assertRefused(NON_ASCII, content);
        try (SmtpClient smtp = connect(node)) {
            String id = queueId(commands(smtp, "MAIL FROM:<a@sender.test> SMTPUTF8", content,
                    "RCPT TO:<" + ANNA + ">"));
            assertTrue(mailboxes.raw(ANNA, mailboxes.awaitMessage(ANNA, id)).contains("Subject: Gr\u00fc\u00dfe\r\n"));
        }
    }

    @Test
    void aHeaderSectionOverTheLimitIsRefused() throws IOException {
        String header = "X-Padding: " + "p".repeat(900) + "\r\n";
        assertRefused(HEADER_TOO_BIG, message("big header").replace("\r\n\r\n", "\r\n" + header.repeat(300) + "\r\n"));
    }

    @Test
    void aCleanMessageWithHarmlessAttachmentsIsAccepted() throws IOException {
        String content = withAttachment("clean attachments", "attachment; filename=\"photos.zip\"",
                zip("a.jpg", "report.exe.pdf"));
        try (SmtpClient smtp = connect(node)) {
            String id = send(smtp, "<alice@sender.test>", content, ANNA);
            assertEquals("clean attachments", mailboxes.awaitMessage(ANNA, id).get("subject").asText());
        }
    }

    /**
     * Refused with {@code reply}, then the session goes on: a marker sent after it arrives, and no
     * message but markers and clean ones is in the mailbox or left in the queue.
     */
    private static void assertRefused(String reply, String content) throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertEquals(reply, commands(smtp, "MAIL FROM:<alice@sender.test>", content, "RCPT TO:<" + ANNA + ">"));
            assertEquals(OK, smtp.command("NOOP"));
            String marker = "marker after " + reply.substring(0, 9);
            mailboxes.awaitMessage(ANNA, send(smtp, "<alice@sender.test>", message(marker), ANNA));
        }
        List<JsonNode> stored = mailboxes.messages(ANNA);
        stored.forEach(m -> assertTrue(m.get("subject").asText().startsWith("marker after ")
                || m.get("subject").asText().equals("clean attachments")
                || m.get("subject").asText().startsWith("Gr"), m::toString));
        assertEquals(0, new QueueApi(node).list("").size(), "something is left in the queue");
    }

    private static String withAttachment(String subject, String disposition, byte[] attachment) {
        return "From: a@sender.test\r\nTo: " + ANNA + "\r\nSubject: " + subject + "\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee"
                + " attached.\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: " + disposition
                + "\r\nContent-Transfer-Encoding: base64\r\n\r\n" + Base64.getMimeEncoder().encodeToString(attachment)
                + "\r\n--b--\r\n";
    }

    private static byte[] zip(String... names) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (String name : names) {
                zip.putNextEntry(new ZipEntry(name));
                zip.write(name.getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }
}
