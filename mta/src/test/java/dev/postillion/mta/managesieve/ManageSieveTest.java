package dev.postillion.mta.managesieve;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.postillion.mta.LineWire;
import dev.postillion.mta.TestNode;
import dev.postillion.mta.TlsTrust;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ManageSieve (RFC 5804) against an independent client, Debian's {@code sieve-connect}, and at the
 * byte level: the capabilities before and after STARTTLS, commands injected before the handshake
 * dropped, logins refused without TLS, literals both ways, the response codes of section 1.3, a
 * script with an error refused naming line and column, a literal over the limit or a third
 * literal refused unread, and a password change or an app password's revocation ending the
 * session, saying which. The scripts are the admin API's.
 */
class ManageSieveTest {

    private static final String USER = "anna@example.test";
    private static final String PASSWORD = "secret-password";
    private static final String EXTENSIONS = "\"SIEVE\" \"fileinto envelope imap4flags body variables relational"
            + " subaddress copy comparator-i;ascii-numeric\"";

    @TempDir static Path dataDir;
    @TempDir static Path work;
    static TestNode node;
    static SSLContext tls;

    @BeforeAll
    static void start() {
        node = TestNode.start(dataDir, Map.of("postillion.managesieve.plaintext-login-networks", List.of()),
                Clock.systemUTC());
        node.createMailbox(USER);
        tls = TlsTrust.trusting(TlsTrust.generatedCertificate(dataDir));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void capabilitiesThenStartTlsDropsWhatWasSentAfterItAndSendsThemAgain() throws IOException {
        try (LineWire sieve = new LineWire(node.manageSievePort())) {
            assertEquals(List.of("\"IMPLEMENTATION\" \"Postillion\"", EXTENSIONS, "\"SASL\" \"\"", "\"STARTTLS\"",
                    "\"VERSION\" \"1.0\"", "\"UNAUTHENTICATE\"", "OK \"mx.test ManageSieve ready\""), response(sieve));
            sieve.send("AUTHENTICATE \"PLAIN\" \"" + plain(USER, PASSWORD) + "\"\r\n");
            assertEquals("NO (ENCRYPT-NEEDED) \"log in after STARTTLS\"", sieve.line());

            sieve.send("STARTTLS\r\nAUTHENTICATE \"PLAIN\" \"" + plain(USER, PASSWORD) + "\"\r\n");
            assertEquals("OK \"Begin TLS negotiation now\"", sieve.line());
            sieve.startTls(tls);
            assertEquals(List.of("\"IMPLEMENTATION\" \"Postillion\"", EXTENSIONS, "\"SASL\" \"PLAIN\"",
                    "\"VERSION\" \"1.0\"", "\"UNAUTHENTICATE\"", "OK \"TLS negotiation successful\""), response(sieve));
            assertEquals("NO \"log in first (AUTHENTICATE)\"", command(sieve, "LISTSCRIPTS"),
                    "the AUTHENTICATE sent in plain text was dropped");
        }
    }

    @Test
    void loginsWithAnInitialResponseOrAfterTheServersEmptyChallenge() throws IOException {
        try (LineWire sieve = secure()) {
            assertEquals("NO \"Authentication failed.\"", command(sieve, "AUTHENTICATE \"PLAIN\" \""
                    + plain(USER, "wrong-password") + "\""));
            assertEquals("\"\"", command(sieve, "AUTHENTICATE \"PLAIN\""));
            assertEquals("NO \"authentication cancelled\"", command(sieve, "\"*\""));
            assertEquals("\"\"", command(sieve, "AUTHENTICATE \"PLAIN\""));
            String response = plain(USER, PASSWORD);
            assertEquals("OK \"Logged in\"", command(sieve, "{" + response.length() + "+}\r\n" + response));
            sieve.send("CAPABILITY\r\n");
            assertTrue(response(sieve).contains("\"OWNER\" \"" + USER + "\""));
            assertEquals("OK", command(sieve, "UNAUTHENTICATE"));
            assertEquals("NO \"log in first (AUTHENTICATE)\"", command(sieve, "GETSCRIPT \"x\""));
            assertEquals("OK (TAG \"t1\") \"Done\"", command(sieve, "NOOP \"t1\""));
            assertEquals("OK \"Logout complete\"", command(sieve, "LOGOUT"));
        }
    }

    @Test
    void scriptCommandsAnswerWithTheResponseCodesOfRfc5804() throws IOException {
        String bert = "bert@example.test";
        node.createMailbox(bert);
        try (LineWire sieve = loggedIn(bert)) {
            String script = "require \"fileinto\";\r\nfileinto \"Lists\";\r\n";
            assertEquals("OK", command(sieve, "PUTSCRIPT \"lists\" {" + script.length() + "+}\r\n" + script));
            assertEquals("NO \"line 2, column 1: unknown command \\\"filein\\\"\"", command(sieve,
                    "PUTSCRIPT \"bad\" {30+}\r\nrequire \"fileinto\";\r\nfilein;\r\n"));
            assertEquals("NO \"line 2, column 1: unknown command \\\"filein\\\"\"", command(sieve,
                    "CHECKSCRIPT {30}\r\nrequire \"fileinto\";\r\nfilein;\r\n"));
            assertEquals("OK", command(sieve, "CHECKSCRIPT \"keep;\""));
            assertEquals("OK", command(sieve, "PUTSCRIPT \"other\" \"keep;\""));
            assertEquals("OK", command(sieve, "SETACTIVE \"lists\""));
            sieve.send("LISTSCRIPTS\r\n");
            assertEquals(List.of("\"lists\" ACTIVE", "\"other\"", "OK"), response(sieve));
            sieve.send("GETSCRIPT \"lists\"\r\n");
            assertEquals(List.of("{" + script.length() + "}", "require \"fileinto\";", "fileinto \"Lists\";", "",
                    "OK"), response(sieve));

            assertEquals("NO (NONEXISTENT) \"no script named gone\"", command(sieve, "GETSCRIPT \"gone\""));
            assertEquals("NO (NONEXISTENT) \"no script named gone\"", command(sieve, "SETACTIVE \"gone\""));
            assertEquals("NO (ACTIVE) \"script lists is active; deactivate it first\"",
                    command(sieve, "DELETESCRIPT \"lists\""));
            assertEquals("NO (ALREADYEXISTS) \"a script named other exists already\"",
                    command(sieve, "RENAMESCRIPT \"lists\" \"other\""));
            assertEquals("OK", command(sieve, "RENAMESCRIPT \"lists\" \"mailing lists\""));
            assertEquals("OK", command(sieve, "HAVESPACE \"new\" 65536"));
            assertEquals("NO (QUOTA/MAXSIZE) \"a script is at most 65536 bytes\"",
                    command(sieve, "HAVESPACE \"new\" 65537"));
            sieve.send("PUTSCRIPT \"huge\" {70000+}\r\n" + "#".repeat(70000) + "\r\n");
            assertEquals("NO (QUOTA/MAXSIZE) \"a script is at most 65536 bytes\"", sieve.line());
            assertEquals("OK", command(sieve, "SETACTIVE \"\""));
            assertEquals("OK", command(sieve, "DELETESCRIPT \"mailing lists\""));
            assertEquals("NO \"unknown command FROB\"", command(sieve, "FROB"));
        }
        assertEquals("{\"scripts\":[{\"name\":\"other\",\"size\":5,\"active\":false}],\"active\":null}",
                node.get("/api/v1/addresses/" + bert + "/sieve").body(), "the admin API sees the same scripts");
    }

    /**
     * No command takes more than two strings: one with a third literal is dropped unread, as an
     * oversized one is, so that a client cannot make the server hold one command of any size.
     */
    @Test
    void aCommandWithMoreThanTwoLiteralsIsDroppedUnread() throws IOException {
        String emma = "emma@example.test";
        node.createMailbox(emma);
        try (LineWire sieve = loggedIn(emma)) {
            sieve.send("PUTSCRIPT {1+}\r\na {5+}\r\nkeep; {5+}\r\nkeep;\r\n");
            assertEquals("NO \"a command has at most two literals\"", sieve.line());
            assertEquals("OK", command(sieve, "PUTSCRIPT {1+}\r\na {5+}\r\nkeep;"));
            sieve.send("LISTSCRIPTS\r\n");
            assertEquals(List.of("\"a\"", "OK"), response(sieve));
        }
    }

    @Test
    void aPasswordChangeEndsTheSession() throws IOException {
        String cleo = "cleo@example.test";
        node.createMailbox(cleo);
        try (LineWire sieve = loggedIn(cleo)) {
            assertEquals(204, node.send(node.request("/api/v1/addresses/" + cleo + "/password")
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"password\":\"another-password\"}"))).statusCode());
            assertEquals("BYE \"the password was changed\"", sieve.line());
        }
    }

    /**
     * After UNAUTHENTICATE (RFC 5804 section 2.14) the session may log in as another address: a
     * password change of the first then leaves it, and one of the second ends it.
     */
    @Test
    void afterUnauthenticateOnlyTheNewLoginsPasswordChangeEndsTheSession() throws IOException {
        String fred = "fred@example.test";
        String gina = "gina@example.test";
        node.createMailbox(fred);
        node.createMailbox(gina);
        try (LineWire control = loggedIn(fred); LineWire sieve = loggedIn(fred)) {
            assertEquals("OK", command(sieve, "UNAUTHENTICATE"));
            assertEquals("OK \"Logged in\"", command(sieve, "AUTHENTICATE \"PLAIN\" \"" + plain(gina, PASSWORD) + "\""));
            assertEquals(204, changePassword(fred));
            assertEquals("BYE \"the password was changed\"", control.line());
            assertEquals("OK \"Done\"", command(sieve, "NOOP"));
            assertEquals(204, changePassword(gina));
            assertEquals("BYE \"the password was changed\"", sieve.line());
        }
    }

    private static int changePassword(String address) {
        return node.send(node.request("/api/v1/addresses/" + address + "/password")
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"password\":\"another-password\"}"))).statusCode();
    }

    /** A revoked app password ends the ManageSieve session it logged in, saying so. */
    @Test
    void anAppPasswordsRevocationEndsItsSession() throws IOException {
        String dirk = "dirk@example.test";
        node.createMailbox(dirk);
        HttpResponse<String> created = node.post("/api/v1/addresses/" + dirk + "/app-passwords",
                "{\"name\":\"laptop\"}");
        assertEquals(201, created.statusCode(), created.body());
        String app = new ObjectMapper().readTree(created.body()).get("password").asText();
        try (LineWire sieve = secure()) {
            assertEquals("OK \"Logged in\"", command(sieve, "AUTHENTICATE \"PLAIN\" \"" + plain(dirk, app) + "\""));
            assertEquals(204, node.delete("/api/v1/addresses/" + dirk + "/app-passwords/laptop").statusCode());
            assertEquals("BYE \"the app password was revoked\"", sieve.line());
        }
    }

    /** sieve-connect (Debian's sieve-connect, a Perl client) uploads, lists, activates, downloads and deletes. */
    @Test
    void sieveConnectManagesTheScripts() throws Exception {
        String dora = "dora@example.test";
        node.createMailbox(dora);
        Path local = work.resolve("vacation.sieve");
        Files.writeString(local, "require [\"fileinto\", \"subaddress\", \"envelope\"];\n"
                + "if envelope :detail \"to\" \"news\" {\n  fileinto \"News\";\n}\n");

        assertEquals("", sieveConnect(dora, "--upload", "--localsieve", local.toString(), "--remotesieve", "news"));
        assertEquals("", sieveConnect(dora, "--activate", "--remotesieve", "news"));
        assertEquals("\"news\" ACTIVE", sieveConnect(dora, "--list").strip());
        Path downloaded = work.resolve("downloaded.sieve");
        sieveConnect(dora, "--download", "--remotesieve", "news", "--localsieve", downloaded.toString());
        assertEquals(Files.readString(local), Files.readString(downloaded));
        assertEquals("", sieveConnect(dora, "--deactivate"));
        assertEquals("", sieveConnect(dora, "--delete", "--remotesieve", "news"));
        assertEquals("", sieveConnect(dora, "--list").strip());
    }

    private String sieveConnect(String user, String... action) throws Exception {
        List<String> command = new ArrayList<>(List.of("sieve-connect", "--server", "127.0.0.1", "--port",
                Integer.toString(node.manageSievePort()), "--user", user, "--passwordfd", "0", "--notlsverify"));
        command.addAll(List.of(action));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().write((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "sieve-connect did not finish");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + output);
        return output;
    }

    private static LineWire secure() throws IOException {
        LineWire sieve = new LineWire(node.manageSievePort());
        response(sieve);
        assertEquals("OK \"Begin TLS negotiation now\"", command(sieve, "STARTTLS"));
        sieve.startTls(tls);
        response(sieve);
        return sieve;
    }

    private static LineWire loggedIn(String user) throws IOException {
        LineWire sieve = secure();
        assertEquals("OK \"Logged in\"", command(sieve, "AUTHENTICATE \"PLAIN\" \"" + plain(user, PASSWORD) + "\""));
        return sieve;
    }

    private static String plain(String user, String password) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String command(LineWire sieve, String command) throws IOException {
        sieve.send(command + "\r\n");
        return sieve.line();
    }

    /** Lines up to and with the one that starts OK, NO or BYE. */
    private static List<String> response(LineWire sieve) throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        do {
            line = sieve.line();
            lines.add(line);
        } while (!line.startsWith("OK") && !line.startsWith("NO") && !line.startsWith("BYE"));
        return lines;
    }
}
