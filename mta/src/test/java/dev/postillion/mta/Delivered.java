package dev.postillion.mta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/** Mail delivered over SMTP to a test node, and what the admin API says of it: what IMAP and POP3 must serve. */
public final class Delivered {

    private final TestNode node;
    private final MailboxReader mailboxes;

    public Delivered(TestNode node) {
        this.node = node;
        this.mailboxes = new MailboxReader(node);
    }

    /**
     * Delivers a message with {@code body} (its lines as on the SMTP wire, dot-stuffed) and waits
     * until the INBOX holds it; returns its listing entry.
     */
    public JsonNode deliver(String recipient, String subject, String body) throws IOException {
        send(recipient, subject, body);
        return mailboxes.awaitSubject(recipient, subject, 1).get(0);
    }

    /** Sends the message over SMTP until the node has queued it, without waiting for its delivery. */
    public void send(String recipient, String subject, String body) throws IOException {
        send(recipient, "From: bob@example.org\r\nTo: " + recipient + "\r\nSubject: " + subject + "\r\n\r\n" + body);
    }

    /** Sends {@code message} (dot-stuffed, ending in CRLF) from bob@example.org over SMTP; it is queued. */
    public void send(String recipient, String message) throws IOException {
        try (SmtpClient smtp = new SmtpClient(node.smtpPort())) {
            assertTrue(smtp.reply().startsWith("220 "));
            assertTrue(smtp.command("EHLO client.example.org").startsWith("250"));
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<bob@example.org>"));
            assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + recipient + ">"));
            assertTrue(smtp.command("DATA").startsWith("354"));
            assertTrue(smtp.command(message + ".").startsWith("250 2.0.0 Ok: queued as "));
            smtp.command("QUIT");
        }
    }

    /** The message as stored, line by line, without its line ends: what RETR sends, unstuffed. */
    public List<String> lines(String address, JsonNode message) {
        String raw = mailboxes.raw(address, message);
        assertTrue(raw.endsWith("\r\n"));
        return Arrays.asList(raw.substring(0, raw.length() - 2).split("\r\n", -1));
    }

    public String raw(String address, JsonNode message) {
        return mailboxes.raw(address, message);
    }

    /** UIDL's unique-id of the INBOX's message {@code uid}: the folder's UIDVALIDITY, a dot, the uid. */
    public String uniqueId(String address, long uid) throws IOException {
        for (JsonNode folder : json(node.get("/api/v1/mailboxes/" + address + "/folders").body())) {
            if (folder.get("name").asText().equals("INBOX")) {
                return folder.get("uidValidity").asLong() + "." + uid;
            }
        }
        throw new AssertionError("no INBOX");
    }

    /** The admin API's listing of the address's expunged messages. */
    public JsonNode deleted(String address) throws IOException {
        return json(node.get("/api/v1/mailboxes/" + address + "/deleted").body());
    }

    private static JsonNode json(String body) throws IOException {
        return new ObjectMapper().readTree(body);
    }
}
