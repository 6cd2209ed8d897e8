package dev.postillion.mta;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encryption at rest from outside (SPEC section 7, issue 17): a message with unique markers
 * delivered over SMTP to an encrypted address leaves them nowhere on the node's disk, nor in any
 * row of its PostgreSQL, while the same message to an address not encrypted is found by the
 * same search (so the search can fail); and the owner reads the message back intact with
 * independent clients, Python's imaplib and poplib.
 */
class EncryptionAtRestTest {

    private static final String SECRET = "anna@crypt.test";
    private static final String PLAIN = "carl@crypt.test";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir static Path dataDir;
    static TestNode node;
    static MailboxReader mailboxes;

    @BeforeAll
    static void start() throws IOException {
        node = TestNode.start(dataDir);
        mailboxes = new MailboxReader(node);
        node.createMailbox(SECRET);
        node.createMailbox(PLAIN);
        HttpResponse<String> on = node.post("/api/v1/addresses/" + SECRET + "/encryption",
                "{\"password\":\"secret-password\"}");
        assertEquals(201, on.statusCode(), on.body());
        JsonNode encryption = JSON.readTree(on.body());
        assertTrue(encryption.get("publicKey").asText().startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----"));
        assertEquals(encryption, JSON.readTree(node.get("/api/v1/addresses/" + SECRET + "/encryption").body()));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void theOwnerReadsTheMessageIntactOverImapAndPop3() throws IOException {
        String subject = "Plans " + UUID.randomUUID();
        String message = message(subject, marker(), marker());
        send(SECRET, message);
        JsonNode listed = mailboxes.awaitSubject(SECRET, subject, 1).get(0);
        // The listing's fields stay readable; the content is refused to the operator.
        assertEquals("bob@example.org", listed.get("from").asText());
        HttpResponse<String> raw = node.get("/api/v1/mailboxes/" + SECRET + "/messages/" + listed.get("uid").asLong()
                + "/raw");
        assertEquals(403, raw.statusCode(), raw.body());
        assertEquals("{\"error\":\"message uid " + listed.get("uid").asLong() + " of " + SECRET
                + " is encrypted at rest; only its owner can read it, over IMAP or POP3\"}", raw.body());

        List<String> read = PythonClient.run("""
                import imaplib, poplib, sys
                port, pop_port, user, subject, marker = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
                m = imaplib.IMAP4('127.0.0.1', port)
                m.login(user, 'secret-password')
                m.select('INBOX')
                typ, data = m.uid('SEARCH', None, 'SUBJECT', '"' + subject + '"')
                uid = data[0].decode()
                print('subject search', uid != '')
                print('body search', m.uid('SEARCH', None, 'BODY', marker)[1][0].decode() == uid)
                typ, data = m.uid('FETCH', uid, '(RFC822.SIZE ENVELOPE BODY.PEEK[])')
                imap_body = data[0][1]
                size = int(data[0][0].decode().split('RFC822.SIZE ')[1].split(' ')[0])
                print('size matches', size == len(imap_body))
                print('envelope has subject', subject in data[0][0].decode())
                typ, data = m.uid('FETCH', uid, '(BODYSTRUCTURE)')
                print('bodystructure', '"mixed"' in data[0].decode().lower(), '"notes.txt"' in data[0].decode().lower())
                sent = b'From: ' + user.encode() + b'\\r\\nSubject: sent ' + marker.encode() + b'\\r\\n\\r\\nSaved by the client.\\r\\n'
                m.append('Sent', None, None, sent)
                m.select('Sent')
                typ, data = m.fetch('1', '(BODY.PEEK[])')
                print('appended', data[0][1] == sent)
                m.logout()
                p = poplib.POP3('127.0.0.1', pop_port)
                p.user(user)
                p.pass_('secret-password')
                resp, lines, octets = p.retr(1)
                print('pop3 matches imap', b'\\r\\n'.join(lines) + b'\\r\\n' == imap_body)
                resp, lines, octets = p.top(1, 0)
                print('top', any(line.startswith(b'Subject: ' + subject.encode()) for line in lines))
                p.quit()
                sys.stdout.flush()
                sys.stdout.buffer.write(imap_body)
                """, node.imapPort(false), node.pop3Port(false), SECRET, subject, marker(message));
        assertEquals(List.of("subject search True", "body search True", "size matches True", "envelope has subject True",
                "bodystructure True True", "appended True", "pop3 matches imap True", "top True"), read.subList(0, 8));
        String body = String.join("\r\n", read.subList(8, read.size())) + "\r\n";
        assertTrue(body.startsWith("Return-Path: <bob@example.org>\r\nDelivered-To: " + SECRET + "\r\n"), body);
        assertTrue(body.endsWith(message), body);
    }

    /** A message with a marker in its text and another in a text attachment. */
    static String message(String subject, String bodyMarker, String attachmentMarker) {
        return "From: bob@example.org\r\nTo: " + SECRET + "\r\nSubject: " + subject + "\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                + "--b1\r\nContent-Type: text/plain\r\n\r\nThe word is " + bodyMarker + ".\r\n"
                + "--b1\r\nContent-Type: text/plain; name=\"notes.txt\"\r\n"
                + "Content-Disposition: attachment; filename=\"notes.txt\"\r\n\r\n"
                + "Notes: " + attachmentMarker + "\r\n--b1--\r\n";
    }

    /** The first marker of {@link #message}. */
    private static String marker(String message) {
        return message.substring(message.indexOf("The word is ") + 12, message.indexOf("The word is ") + 12 + 32);
    }

    /** 32 random hex digits: found only where the message went. */
    static String marker() {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    static void send(String recipient, String message) throws IOException {
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
}
