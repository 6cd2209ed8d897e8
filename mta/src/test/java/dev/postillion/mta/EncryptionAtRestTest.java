package dev.postillion.mta;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
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
                bodies = [b'\\r\\n'.join(p.retr(n + 1)[1]) + b'\\r\\n' for n in range(len(p.list()[1]))]
                print('pop3 matches imap', imap_body in bodies)
                resp, lines, octets = p.top(bodies.index(imap_body) + 1, 0)
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

    /**
     * The operator's reset of an encrypted address's password is refused, saying what it would
     * cost, a wrong old password too; with the old one the key is wrapped again, and the user
     * reads their mail with the new password.
     */
    @Test
    void aPasswordChangeWrapsTheKeyAgainWithTheOldPasswordOnly() throws IOException {
        String dora = "dora@crypt.test";
        node.createMailbox(dora);
        assertEquals(201, node.post("/api/v1/addresses/" + dora + "/encryption", "{\"password\":\"secret-password\"}")
                .statusCode());
        String subject = "Kept " + marker();
        String message = message(subject, marker(), marker());
        send(dora, message);
        mailboxes.awaitSubject(dora, subject, 1);
        String path = "/api/v1/addresses/" + dora + "/password";

        HttpResponse<String> reset = node.put(path, "{\"password\":\"staple battery horse\"}");
        assertEquals(409, reset.statusCode());
        assertEquals(dora + " is encrypted at rest: without its old password (\"oldPassword\") the mail stored so far"
                + " can never be read again. Send \"oldPassword\" to keep it, or \"discardEncryptedMail\": true to"
                + " change the password with a new key pair and lose it", JSON.readTree(reset.body()).get("error").asText());
        HttpResponse<String> wrong = node.put(path,
                "{\"password\":\"staple battery horse\",\"oldPassword\":\"wrong battery horse\"}");
        assertEquals(403, wrong.statusCode());
        assertEquals("{\"error\":\"oldPassword is not the password " + dora + "'s key is wrapped under\"}", wrong.body());
        assertEquals(204, node.put(path, "{\"password\":\"staple battery horse\",\"oldPassword\":\"secret-password\"}")
                .statusCode());

        List<String> read = PythonClient.run("""
                import imaplib, sys
                m = imaplib.IMAP4('127.0.0.1', int(sys.argv[1]))
                m.login(sys.argv[2], 'staple battery horse')
                m.select('INBOX')
                typ, data = m.fetch('1', '(BODY.PEEK[])')
                m.logout()
                print(data[0][1].decode().endswith(sys.argv[3]))
                """, node.imapPort(false), dora, message.substring(message.indexOf("The word is")));
        assertEquals(List.of("True"), read);
    }

    /**
     * An app password logs in as the address but does not unwrap its key: IMAP and POP3 refuse it,
     * saying why, instead of serving the stored OpenPGP messages as if they were mail.
     */
    @Test
    void anAppPasswordDoesNotReadAnEncryptedMailbox() throws IOException {
        HttpResponse<String> created = node.post("/api/v1/addresses/" + SECRET + "/app-passwords",
                "{\"name\":\"phone\"}");
        assertEquals(201, created.statusCode(), created.body());
        String appPassword = JSON.readTree(created.body()).get("password").asText();
        List<String> refusals = PythonClient.run("""
                import imaplib, poplib, sys
                m = imaplib.IMAP4('127.0.0.1', int(sys.argv[1]))
                try:
                    m.login(sys.argv[3], sys.argv[4])
                except imaplib.IMAP4.error as e:
                    print(e.args[0].decode() if isinstance(e.args[0], bytes) else e.args[0])
                p = poplib.POP3('127.0.0.1', int(sys.argv[2]))
                p.user(sys.argv[3])
                try:
                    p.pass_(sys.argv[4])
                except poplib.error_proto as e:
                    print(e.args[0].decode())
                """, node.imapPort(false), node.pop3Port(false), SECRET, appPassword);
        String why = "the mailbox is encrypted at rest: only the address's password reads it, not an app password";
        assertEquals(List.of("[AUTHORIZATIONFAILED] " + why, "-ERR [AUTH] " + why), refusals);
    }

    /**
     * The markers of the message's text and attachment are nowhere: not in the node's files
     * (every file under its data directory, raw, RocksDB's WAL, SST and blob files included), not
     * in any row of PostgreSQL. The same search finds the same message's subject, which is kept
     * readable by design, and the markers of a message to an address not encrypted: it can fail.
     * Unique random markers stay verbatim in Snappy's and LZ4's output (they compress repeats
     * only), so an SST compressed by RocksDB hides none.
     */
    @Test
    void noMarkerOfAMessageToAnEncryptedAddressIsOnDiskOrInTheDatabase() throws Exception {
        String subject = "Secret " + marker();
        String body = marker();
        String attachment = marker();
        send(SECRET, message(subject, body, attachment));
        String control = "Control " + marker();
        String controlBody = marker();
        send(PLAIN, message(control, controlBody, marker()));
        mailboxes.awaitSubject(SECRET, subject, 1);
        mailboxes.awaitSubject(PLAIN, control, 1);
        QueueApi queue = new QueueApi(node);
        await("the spool emptied").atMost(Duration.ofSeconds(15)).until(() -> queue.ids("").isEmpty());

        assertEquals(List.of(subject, controlBody), found(List.of(subject, body, attachment, controlBody)));
    }

    /**
     * The Sieve script of an encrypted address files a copy into two folders and keeps one: every
     * copy the mailbox keeps is the OpenPGP message, refused raw to the operator, and none of the
     * message's markers is on disk.
     */
    @Test
    void everyCopyItsSieveScriptFilesIsEncrypted() throws Exception {
        String eric = "eric@crypt.test";
        node.createMailbox(eric);
        assertEquals(201, node.post("/api/v1/addresses/" + eric + "/encryption", "{\"password\":\"secret-password\"}")
                .statusCode());
        String script = "require [\"fileinto\", \"copy\"];\r\nfileinto :copy \"Lists\";\r\nfileinto \"Archive\";\r\n"
                + "keep;\r\n";
        assertEquals(201, node.send(node.request("/api/v1/addresses/" + eric + "/sieve/sort")
                .header("Content-Type", "application/sieve").PUT(HttpRequest.BodyPublishers.ofString(script)))
                .statusCode());
        assertEquals(204, node.post("/api/v1/addresses/" + eric + "/sieve/sort/activate", "").statusCode());
        String subject = "Sorted " + marker();
        String body = marker();
        String attachment = marker();
        send(eric, message(subject, body, attachment));

        List<JsonNode> copies = mailboxes.awaitSubject(eric, subject, 3);
        assertEquals(List.of("Archive", "INBOX", "Lists"),
                copies.stream().map(copy -> copy.get("folder").asText()).sorted().toList());
        for (JsonNode copy : copies) {
            assertEquals(403, node.get("/api/v1/mailboxes/" + eric + "/messages/" + copy.get("uid").asLong()
                    + "/raw?folder=" + copy.get("folder").asText()).statusCode(), copy.toString());
        }
        QueueApi queue = new QueueApi(node);
        await("the spool emptied").atMost(Duration.ofSeconds(15)).until(() -> queue.ids("").isEmpty());
        assertEquals(List.of(subject), found(List.of(subject, body, attachment)));
    }

    /** Which of {@code markers} the node's files, or in PostgreSQL mode its database's rows, contain. */
    private static List<String> found(List<String> markers) throws IOException, SQLException {
        List<byte[]> haystacks = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                haystacks.add(Files.readAllBytes(file));
            }
        }
        if (TestSharedStore.postgresql()) {
            haystacks.addAll(rows());
        }
        return markers.stream().filter(marker -> haystacks.stream().anyMatch(haystack ->
                contains(haystack, marker.getBytes(StandardCharsets.US_ASCII)))).toList();
    }

    /** Every column of every row of every table of the node's database, as stored (bytea raw, the rest as text). */
    private static List<byte[]> rows() throws SQLException {
        Config database = TestSharedStore.settings(dataDir).getConfig("postillion.store.postgresql");
        List<byte[]> values = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(database.getString("url"),
                database.getString("user"), database.getString("password"))) {
            List<String> tables = new ArrayList<>();
            try (ResultSet listed = connection.createStatement().executeQuery("SELECT format('%I.%I', table_schema,"
                    + " table_name) FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog',"
                    + " 'information_schema') AND table_type = 'BASE TABLE'")) {
                while (listed.next()) {
                    tables.add(listed.getString(1));
                }
            }
            assertTrue(tables.size() > 10, tables.toString());
            for (String table : tables) {
                try (ResultSet rows = connection.createStatement().executeQuery("SELECT * FROM " + table)) {
                    int columns = rows.getMetaData().getColumnCount();
                    while (rows.next()) {
                        for (int i = 1; i <= columns; i++) {
                            byte[] value = rows.getMetaData().getColumnType(i) == Types.BINARY
                                    ? rows.getBytes(i) : String.valueOf(rows.getString(i)).getBytes(StandardCharsets.UTF_8);
                            values.add(value == null ? new byte[0] : value);
                        }
                    }
                }
            }
        }
        return values;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
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
        new Delivered(node).send(recipient, message);
    }
}
