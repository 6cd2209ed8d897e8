package dev.postillion.mta;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.postillion.mta.imap.DovecotServer;
import dev.postillion.mta.imap.DovecotServer.Appended;
import dev.postillion.queue.testing.TlsIdentity;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Mailbox imports (SPEC section 7) on a real node from a real Dovecot as the other server:
 * folders with their hierarchy and special uses, flags, keywords, internal dates and content octet
 * for octet, a 5 MB message, one over the node's size limit, a message without Message-ID, two
 * with one Message-ID and different contents (both copied) and one copied twice (once); the second
 * import skipping everything; the confirmation mail; the failures in plain words; the CSV route;
 * implicit TLS and STARTTLS with the source's certificate verified against the node's trusted CA.
 */
class MailboxImportTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DOMAIN = "imports.test";
    private static final String ANNA = "anna@" + DOMAIN;
    private static final Duration JOB = Duration.ofSeconds(30);
    /** Dovecot's namespace: '.' separates levels, and the special-use folders have other names than ours. */
    private static final String NAMESPACE = """
            auth_failure_delay = 0
            namespace inbox {
              inbox = yes
              separator = .
              mailbox "Sent Messages" {
                special_use = \\Sent
                auto = create
              }
              mailbox Spam {
                special_use = \\Junk
                auto = create
              }
              mailbox "Old Mail" {
                special_use = \\Archive
                auto = create
              }
            }
            """;

    private static Path dataDir;
    private static Path dovecotDir;
    /** The node's settings: the 6 MiB size limit, and the test CA as the only trusted one. */
    private static Map<String, Object> settings;
    private static int imapsPort;
    private static TestNode node;
    private static DovecotServer dovecot;
    private static MailboxReader reader;

    private static final byte[] FIRST = message("<one@old.example>", "First", "The first message.\r\n");
    private static final byte[] NO_ID = message(null, "No id", "A message without Message-ID.\r\n");
    private static final byte[] SAME_ID = message("<one@old.example>", "First, again", "Another content.\r\n");
    private static final byte[] LARGE = message("<large@old.example>", "Large", lines(5 * 1024 * 1024));
    private static final byte[] TOO_LARGE = message("<huge@old.example>", "Too large", lines(7 * 1024 * 1024));
    private static final byte[] SENT = message("<sent@old.example>", "Sent", "Sent by anna.\r\n");
    private static final byte[] WORK = message("<work@old.example>", "Work", "Project notes.\r\n");
    private static final byte[] SPAM = message("<spam@old.example>", "Spam", "Buy now.\r\n");
    private static final byte[] OLD = message("<old@old.example>", "Old", "From 2019.\r\n");

    @BeforeAll
    static void start() throws Exception {
        Optional<Path> binary = DovecotServer.binary();
        assumeTrue(binary.isPresent(), "dovecot is not installed");
        dataDir = Files.createTempDirectory("postillion-import");
        dovecotDir = Files.createTempDirectory("dovecot-import");
        TlsIdentity authority = TlsIdentity.authority("Postillion test CA");
        Path trusted = dataDir.resolve("trusted-ca.pem");
        authority.writeChain(trusted);
        settings = Map.of("postillion.smtp.max-message-size", "6MiB",
                "postillion.mail-import.trusted-certificates", trusted.toString());
        node = TestNode.start(dataDir, settings, Clock.systemUTC());
        imapsPort = closedPort();
        dovecot = DovecotServer.start(binary.get(), dovecotDir, List.of("old"), List.of(),
                NAMESPACE + tls(dovecotDir, authority.issue("localhost", "localhost"), imapsPort));
        dovecot.append("old", List.of("Work.Projects.2026", "Old Mail.2019"), List.of(
                new Appended("INBOX", "\\Seen", "01-Feb-2020 10:00:00 +0100", FIRST),
                new Appended("INBOX", "\\Flagged $Work", "02-Mar-2021 11:30:00 +0000", NO_ID),
                new Appended("INBOX", "", "03-Apr-2022 12:00:00 +0200", SAME_ID),
                new Appended("INBOX", "\\Seen", "04-May-2023 08:00:00 +0000", LARGE),
                new Appended("INBOX", "", "05-Jun-2023 08:00:00 +0000", TOO_LARGE),
                new Appended("Sent Messages", "\\Seen \\Answered", "06-Jul-2024 09:15:00 +0000", SENT),
                new Appended("Work.Projects.2026", "\\Flagged $Label1", "07-Aug-2024 10:00:00 +0000", WORK),
                new Appended("Work.Projects.2026", "", "08-Sep-2024 10:00:00 +0000", FIRST),
                new Appended("Spam", "", "09-Oct-2024 10:00:00 +0000", SPAM),
                new Appended("Old Mail.2019", "\\Seen", "10-Nov-2019 10:00:00 +0000", OLD)));
        reader = new MailboxReader(node);
        assertEquals(201, node.post("/api/v1/domains", "{\"name\":\"" + DOMAIN + "\"}").statusCode());
        created("anna");
        created("bruno");
    }

    @AfterAll
    static void stop() throws IOException {
        if (node != null) {
            node.close();
        }
        if (dovecot != null) {
            dovecot.close();
        }
        for (Path directory : new Path[] {dataDir, dovecotDir}) {
            if (directory != null) {
                try (Stream<Path> files = Files.walk(directory)) {
                    files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
                }
            }
        }
    }

    @Test
    void everyFolderAndMessageIsCopiedOnceAndTheUserIsTold() throws IOException {
        JsonNode started = json(start(ANNA, source("old", "pass")), 202);
        assertEquals("running", started.get("state").asText());
        JsonNode done = awaitEnd(ANNA, started.get("id").asText());
        assertEquals("done", done.get("state").asText(), done.toString());
        assertEquals(8, done.get("copied").asLong(), done.toString());
        assertEquals(1, done.get("skipped").asLong(), "the same content in two folders is copied once");
        assertEquals(1, done.get("failed").asLong());
        assertEquals("message 5 of INBOX: its 7.0 MiB are more than the 6.0 MiB this server takes",
                done.get("failures").get(0).asText());
        assertEquals(List.of("INBOX", "Old Mail", "Old Mail.2019", "Sent Messages", "Spam", "Work.Projects.2026"),
                texts(done.get("foldersDone")));
        assertTrue(done.get("error").isNull());

        assertCopied("INBOX", FIRST, List.of("\\Seen"), "2020-02-01T09:00:00Z");
        assertCopied("INBOX", NO_ID, List.of("\\Flagged", "$Work"), "2021-03-02T11:30:00Z");
        assertCopied("INBOX", SAME_ID, List.of(), "2022-04-03T10:00:00Z");
        assertCopied("INBOX", LARGE, List.of("\\Seen"), "2023-05-04T08:00:00Z");
        assertCopied("Sent", SENT, List.of("\\Seen", "\\Answered"), "2024-07-06T09:15:00Z");
        assertCopied("Work/Projects/2026", WORK, List.of("\\Flagged", "$Label1"), "2024-08-07T10:00:00Z");
        assertCopied("Junk", SPAM, List.of(), "2024-10-09T10:00:00Z");
        assertCopied("Archive/2019", OLD, List.of("\\Seen"), "2019-11-10T10:00:00Z");
        assertEquals(1, inFolder("Work/Projects/2026").size(), "the second copy of the first message was skipped");

        String confirmation = confirmation("Mail import from 127.0.0.1 done: 8 messages copied");
        assertContains(confirmation, "Messages copied: 8\r\nMessages you had already, not copied again: 1\r\n"
                + "Messages that could not be copied: 1\r\nFolders read: 6\r\n\r\nNot copied:\r\n"
                + "- message 5 of INBOX: its 7.0 MiB are more than the 6.0 MiB this server takes\r\n");

        JsonNode again = awaitEnd(ANNA, json(start(ANNA, source("old", "pass")), 202).get("id").asText());
        assertEquals(List.of(0L, 9L, 1L), List.of(again.get("copied").asLong(), again.get("skipped").asLong(),
                again.get("failed").asLong()), again.toString());
        confirmation("Mail import from 127.0.0.1 done: 0 messages copied");
        assertEquals(8, reader.messages(ANNA).stream().filter(m -> !m.get("subject").asText()
                .startsWith("Mail import")).count(), "nothing was copied twice");

        JsonNode listed = json(node.get("/api/v1/addresses/" + ANNA + "/imports"), 200);
        assertEquals(List.of(started.get("id").asText()), texts(listed).subList(0, 1));
        assertEquals(404, node.get("/api/v1/addresses/" + ANNA + "/imports/nosuchjob").statusCode());
    }

    @Test
    void aRefusedLoginOrAnAbsentServerFailsTheJobInPlainWords() throws IOException {
        JsonNode refused = awaitEnd("bruno@" + DOMAIN,
                json(start("bruno@" + DOMAIN, source("old", "wrong")), 202).get("id").asText());
        assertEquals("failed", refused.get("state").asText());
        assertEquals("127.0.0.1:" + dovecot.port() + " refused the user name or the password of old",
                refused.get("error").asText());

        int closed = closedPort();
        JsonNode absent = awaitEnd("bruno@" + DOMAIN, json(start("bruno@" + DOMAIN,
                "{\"host\":\"127.0.0.1\",\"port\":" + closed + ",\"tls\":\"none\",\"username\":\"old\","
                        + "\"password\":\"pass\"}"), 202).get("id").asText());
        assertEquals("connecting to 127.0.0.1:" + closed + " failed: nothing answers at 127.0.0.1:" + closed,
                absent.get("error").asText());

        JsonNode clear = awaitEnd("bruno@" + DOMAIN, json(start("bruno@" + DOMAIN,
                "{\"host\":\"192.0.2.1\",\"tls\":\"none\",\"username\":\"old\",\"password\":\"pass\"}"), 202)
                .get("id").asText());
        assertEquals("192.0.2.1 is not on a private network: the password would cross the internet in clear; use"
                + " tls implicit or starttls", clear.get("error").asText());
        assertEquals(143, clear.get("port").asInt(), "the port of IMAP without implicit TLS");
        String bruno = "bruno@" + DOMAIN;
        await("bruno told of the refused login").atMost(JOB).until(() -> reader.withSubject(bruno,
                "Mail import from 127.0.0.1 failed").stream().map(m -> reader.raw(bruno, m)).anyMatch(text -> text
                        .contains("refused the user name or the password of old.\r\n\r\nMessages copied: 0\r\n")));

        assertError(400, "tls must be implicit, starttls or none, not 'ssl'", start("bruno@" + DOMAIN,
                "{\"host\":\"127.0.0.1\",\"tls\":\"ssl\",\"username\":\"old\",\"password\":\"pass\"}"));
        assertError(400, "field 'password' is required", start("bruno@" + DOMAIN,
                "{\"host\":\"127.0.0.1\",\"username\":\"old\"}"));
        assertError(404, "no address nobody@" + DOMAIN, start("nobody@" + DOMAIN, source("old", "pass")));
    }

    @Test
    void aCsvStartsOneJobPerLineAndRefusesMoreThan25() throws IOException {
        int closed = closedPort();
        String header = "address,host,port,tls,username,password\n";
        HttpResponse<String> response = node.postCsv("/api/v1/imports", header
                + "bruno@" + DOMAIN + ",127.0.0.1," + closed + ",none,old,pass\n"
                + "nobody@" + DOMAIN + ",127.0.0.1," + closed + ",none,old,pass\n"
                + "bruno@" + DOMAIN + ",127.0.0.1,," + "ssl,old,pass\n");
        JsonNode result = json(response, 202);
        assertEquals(1, result.get("started").asInt(), result.toString());
        assertEquals(2, result.get("refused").asInt());
        JsonNode lines = result.get("lines");
        assertEquals("started", lines.get(0).get("status").asText());
        assertEquals(JSON.readTree("{\"line\":3,\"address\":\"nobody@" + DOMAIN + "\",\"status\":\"refused\","
                + "\"reason\":\"no address nobody@" + DOMAIN + "\"}"), lines.get(1));
        assertEquals(JSON.readTree("{\"line\":4,\"address\":\"bruno@" + DOMAIN + "\",\"status\":\"refused\","
                + "\"reason\":\"tls must be implicit, starttls or none, not 'ssl'\"}"), lines.get(2));
        JsonNode job = awaitEnd("bruno@" + DOMAIN, lines.get(0).get("id").asText());
        assertEquals("failed", job.get("state").asText());

        String many = header + Stream.generate(() -> "bruno@" + DOMAIN + ",127.0.0.1,143,none,old,pass\n").limit(26)
                .collect(Collectors.joining());
        assertError(413, "the CSV has 26 accounts; at most 25 are imported in one request, so none was started",
                node.postCsv("/api/v1/imports", many));
        assertError(400, "the first line must be the header row: " + header.strip(),
                node.postCsv("/api/v1/imports", "bruno@" + DOMAIN + ",127.0.0.1,143,none,old,pass\n"));
    }

    @Test
    void implicitTlsAndStarttlsCopyFromASourceWhoseCertificateIsTrusted() {
        for (String[] run : new String[][] {{"dora", "implicit", Integer.toString(imapsPort)},
                {"emil", "starttls", Integer.toString(dovecot.port())}}) {
            String address = created(run[0]);
            JsonNode done = awaitEnd(address, json(start(address, "{\"host\":\"localhost\",\"port\":" + run[2]
                    + ",\"tls\":\"" + run[1] + "\",\"username\":\"old\",\"password\":\"pass\"}"), 202)
                    .get("id").asText());
            assertEquals(List.of("done", "8", "1", "1"), List.of(done.get("state").asText(),
                    done.get("copied").asText(), done.get("skipped").asText(), done.get("failed").asText()),
                    run[1] + ": " + done);
            JsonNode work = reader.messages(address).stream()
                    .filter(m -> m.get("folder").asText().equals("Work/Projects/2026")).findFirst().orElseThrow();
            assertArrayEquals(WORK, reader.bytes(address, work), run[1]);
        }
    }

    /**
     * A source whose certificate is self-signed fails the job before LOGIN: with STARTTLS required,
     * the client gives up after the handshake and Dovecot logs the session without a login.
     */
    @Test
    void aSourceWithAnUntrustedCertificateFailsTheJobBeforeThePasswordIsSent() throws Exception {
        Path directory = Files.createTempDirectory("dovecot-untrusted");
        String address = created("fritz");
        try (DovecotServer untrusted = DovecotServer.start(DovecotServer.binary().orElseThrow(), directory,
                List.of("old"), List.of(), tls(directory, TlsIdentity.selfSigned("localhost"), closedPort()))) {
            JsonNode failed = awaitEnd(address, json(start(address, "{\"host\":\"localhost\",\"port\":"
                    + untrusted.port() + ",\"tls\":\"starttls\",\"username\":\"old\",\"password\":\"pass\"}"),
                    202).get("id").asText());
            assertEquals("failed", failed.get("state").asText());
            assertEquals("connecting to localhost:" + untrusted.port() + " failed: the certificate of localhost:"
                    + untrusted.port() + " is not issued by a certificate authority this server trusts (self-signed,"
                    + " or from a private CA), so the password was not sent", failed.get("error").asText());
            assertEquals(0, failed.get("copied").asLong());
            String log = await("Dovecot logged the session's end").atMost(JOB).until(untrusted::log,
                    text -> text.contains("Disconnected"));
            assertTrue(log.contains("no auth attempts") && !log.contains("user=<old>"), log);
        } finally {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
        }
    }

    /**
     * A job under way when its node stops is resumed by the node's next start: the source first
     * holds the connection silent, the node stops, and the restarted node's run of the job copies
     * everything.
     */
    @Test
    void aJobOfAStoppedNodeIsResumedAtItsNextStart() throws Exception {
        String carl = created("carl");
        try (Gate gate = new Gate(dovecot.port())) {
            String id = json(start(carl, "{\"host\":\"127.0.0.1\",\"port\":" + gate.port() + ",\"tls\":\"none\","
                    + "\"username\":\"old\",\"password\":\"pass\"}"), 202).get("id").asText();
            await("the job connected").atMost(JOB).until(gate::held, held -> held == 1);
            assertError(409, "import " + id + " from 127.0.0.1:" + gate.port() + " as old is running; wait for its end",
                    start(carl, "{\"host\":\"127.0.0.1\",\"port\":" + gate.port() + ",\"tls\":\"none\","
                            + "\"username\":\"old\",\"password\":\"other\"}"));
            node.close();
            gate.open();
            node = TestNode.start(dataDir, settings, Clock.systemUTC());
            reader = new MailboxReader(node);
            JsonNode done = awaitEnd(carl, id);
            assertEquals(List.of("done", "8", "1"), List.of(done.get("state").asText(), done.get("copied").asText(),
                    done.get("skipped").asText()), done.toString());
            reader.awaitSubject(carl, "Mail import from 127.0.0.1 done: 8 messages copied", 1);
        }
    }

    /**
     * The source's port as the job sees it: holds each connection silent while closed; once
     * opened, drops those it held and passes new ones on to Dovecot.
     */
    private static final class Gate implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> held = new CopyOnWriteArrayList<>();
        private final int target;
        private volatile boolean open;

        Gate(int target) throws IOException {
            this.target = target;
            Thread accepting = new Thread(this::accept, "gate");
            accepting.setDaemon(true);
            accepting.start();
        }

        int port() {
            return server.getLocalPort();
        }

        int held() {
            return held.size();
        }

        void open() throws IOException {
            open = true;
            for (Socket socket : held) {
                socket.close();
            }
        }

        private void accept() {
            try {
                while (true) {
                    Socket client = server.accept();
                    if (!open) {
                        held.add(client);
                        continue;
                    }
                    Socket upstream = new Socket("127.0.0.1", target);
                    pass(client, upstream);
                    pass(upstream, client);
                }
            } catch (IOException closed) {
                // The test is over.
            }
        }

        private static void pass(Socket from, Socket to) {
            Thread copying = new Thread(() -> {
                try (from; to) {
                    from.getInputStream().transferTo(to.getOutputStream());
                } catch (IOException ended) {
                    // Either side closed.
                }
            }, "gate-copy");
            copying.setDaemon(true);
            copying.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    // --- helpers ---

    /**
     * Dovecot's TLS: {@code identity}'s certificate and key, STARTTLS offered on the plain port
     * ({@code ssl = yes}: the other tests log in there without it) and implicit TLS on {@code imapsPort}.
     */
    private static String tls(Path directory, TlsIdentity identity, int imapsPort) throws IOException {
        Path certificate = directory.resolve("server-chain.pem");
        Path key = directory.resolve("server-key.pem");
        identity.writeChain(certificate);
        identity.writeKey(key);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        return """
                ssl = yes
                ssl_cert = <%s
                ssl_key = <%s
                service imap-login {
                  inet_listener imaps {
                    address = 127.0.0.1
                    port = %d
                  }
                }
                """.formatted(certificate, key, imapsPort);
    }

    private static String created(String localPart) {
        HttpResponse<String> created = node.post("/api/v1/domains/" + DOMAIN + "/addresses",
                "{\"localPart\":\"" + localPart + "\",\"password\":\"correct horse battery\"}");
        assertEquals(201, created.statusCode(), created.body());
        return localPart + "@" + DOMAIN;
    }

    private static String source(String username, String password) {
        return "{\"host\":\"127.0.0.1\",\"port\":" + dovecot.port() + ",\"tls\":\"none\",\"username\":\"" + username
                + "\",\"password\":\"" + password + "\"}";
    }

    private static HttpResponse<String> start(String address, String body) {
        return node.post("/api/v1/addresses/" + address + "/imports", body);
    }

    private static JsonNode awaitEnd(String address, String id) {
        return await("import " + id + " ended").atMost(JOB).until(
                () -> json(node.get("/api/v1/addresses/" + address + "/imports/" + id), 200),
                job -> !job.get("state").asText().equals("running"));
    }

    private static void assertCopied(String folder, byte[] content, List<String> flags, String internalDate) {
        String subject = subject(content);
        List<JsonNode> found = inFolder(folder).stream().filter(m -> m.get("subject").asText().equals(subject))
                .toList();
        assertEquals(1, found.size(), subject + " in " + folder);
        JsonNode message = found.get(0);
        assertEquals(flags, texts(message.get("flags")), subject);
        assertEquals(internalDate, message.get("receivedAt").asText(), subject);
        assertArrayEquals(content, reader.bytes(ANNA, message), subject);
    }

    private static List<JsonNode> inFolder(String folder) {
        return reader.messages(ANNA).stream().filter(m -> m.get("folder").asText().equals(folder)).toList();
    }

    private static String confirmation(String subject) {
        JsonNode message = reader.awaitSubject(ANNA, subject, 1).get(0);
        assertEquals("INBOX", message.get("folder").asText());
        return reader.raw(ANNA, message);
    }

    private static void assertContains(String text, String part) {
        if (!text.contains(part)) {
            throw new AssertionError("expected\n" + part + "\nin\n" + text);
        }
    }

    private static void assertError(int status, String error, HttpResponse<String> response) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(JSON.createObjectNode().put("error", error), JSON.readTree(response.body()));
    }

    private static JsonNode json(HttpResponse<String> response, int status) {
        assertEquals(status, response.statusCode(), response.body());
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError(response.body(), e);
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(item -> texts.add(item.isObject() ? item.get("id").asText() : item.asText()));
        return texts;
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String subject(byte[] content) {
        String text = new String(content, 0, Math.min(content.length, 500), StandardCharsets.UTF_8);
        int start = text.indexOf("Subject: ") + "Subject: ".length();
        return text.substring(start, text.indexOf("\r\n", start));
    }

    private static byte[] message(String messageId, String subject, String body) {
        return ("From: Anna Old <anna@old.example>\r\nTo: anna@old.example\r\nSubject: " + subject + "\r\n"
                + (messageId == null ? "" : "Message-ID: " + messageId + "\r\n")
                + "Date: Sat, 1 Feb 2020 10:00:00 +0100\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
    }

    /** About {@code size} octets of 78-character lines. */
    private static String lines(int size) {
        String line = "0123456789".repeat(7) + "abcdef\r\n";
        return line.repeat(size / line.length());
    }
}
