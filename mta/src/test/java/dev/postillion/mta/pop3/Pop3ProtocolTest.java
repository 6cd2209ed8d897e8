package dev.postillion.mta.pop3;

import dev.postillion.mta.Delivered;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postillion.mta.MailboxReader;
import dev.postillion.mta.TestNode;
import dev.postillion.mta.TlsTrust;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * POP3 at the byte level (RFC 1939, RFC 2449, RFC 5034): commands injected before STLS, AUTH PLAIN
 * with an initial response or after "+ ", pipelined commands, byte-stuffing, the maildrop's lock,
 * an overlong line, bad arguments, and the logins refused with a reason or ended by a password
 * change.
 */
class Pop3ProtocolTest {

    private static final String USER = "anna@example.test";

    @TempDir static Path dataDir;
    static TestNode node;
    static SSLContext tls;

    @BeforeAll
    static void start() {
        node = TestNode.start(dataDir, Map.of("postillion.pop3.plaintext-login-networks", List.of()),
                Clock.systemUTC());
        node.createMailbox(USER);
        tls = TlsTrust.trusting(TlsTrust.generatedCertificate(dataDir));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void commandsSentAfterStlsInPlainTextAreDropped() throws IOException {
        try (Pop3Wire pop3 = new Pop3Wire(node.pop3Port(false))) {
            assertEquals("+OK mx.test POP3 ready", pop3.line());
            pop3.send("STLS\r\nUSER " + USER + "\r\n");
            assertEquals("+OK Begin TLS negotiation now", pop3.line());
            pop3.startTls(tls);
            assertEquals("-ERR USER first", pop3.command("PASS secret-password"), "USER was never run");
        }
    }

    @Test
    void authPlainWithAnInitialResponseOrAfterAContinuation() throws IOException {
        String plain = Base64.getEncoder().encodeToString(("\0" + USER + "\0secret-password")
                .getBytes(StandardCharsets.UTF_8));
        try (Pop3Wire pop3 = secure()) {
            assertEquals("+OK maildrop has 0 messages (0 octets)", pop3.command("AUTH PLAIN " + plain));
        }
        try (Pop3Wire pop3 = secure()) {
            assertEquals("+ ", pop3.command("AUTH PLAIN"));
            assertEquals("+OK maildrop has 0 messages (0 octets)", pop3.command(plain));
        }
        try (Pop3Wire pop3 = secure()) {
            assertEquals("+ ", pop3.command("AUTH PLAIN"));
            assertEquals("-ERR AUTH cancelled", pop3.command("*"));
            assertEquals("-ERR only AUTH PLAIN is offered", pop3.command("AUTH CRAM-MD5"));
            assertEquals(List.of("+OK SASL mechanisms follow", "PLAIN", "."), multiLine(pop3, "AUTH"));
            assertEquals("-ERR the PLAIN response is not base64 of authzid NUL user NUL password",
                    pop3.command("AUTH PLAIN !!"));
        }
        try (Pop3Wire pop3 = new Pop3Wire(node.pop3Port(false))) {
            pop3.line();
            assertEquals("-ERR [AUTH] log in after STLS, or on the TLS port", pop3.command("AUTH PLAIN " + plain));
        }
    }

    @Test
    void pipelinedCommandsAreAnsweredInOrderAndDotsAreStuffed() throws IOException {
        String user = "dots@example.test";
        node.createMailbox(user);
        Delivered delivered = new Delivered(node);
        JsonNode message = delivered.deliver(user, "dots", "..one dot\r\n...two dots\r\nend\r\n");
        long size = message.get("size").asLong();
        List<String> expected = new ArrayList<>(List.of("+OK 1 " + size, "+OK " + size + " octets"));
        delivered.lines(user, message).forEach(line -> expected.add(line.startsWith(".") ? "." + line : line));
        expected.add(".");
        try (Pop3Wire pop3 = loggedIn(user)) {
            pop3.send("STAT\r\nRETR 1\r\n");
            List<String> lines = new ArrayList<>(List.of(pop3.line()));
            lines.addAll(pop3.multiLine());
            assertEquals(expected, lines);
            assertTrue(lines.contains("..one dot") && lines.contains("...two dots"), lines.toString());
        }
    }

    @Test
    void badCommandsAndArgumentsAreRefusedAndTheSessionGoesOn() throws IOException {
        try (Pop3Wire pop3 = secure()) {
            assertEquals("-ERR unknown command", pop3.command("FROB"));
            assertEquals("-ERR log in first", pop3.command("STAT"));
            assertEquals("-ERR USER first", pop3.command("PASS secret-password"));
        }
        try (Pop3Wire pop3 = loggedIn(USER)) {
            assertEquals("-ERR a message number is needed", pop3.command("RETR one"));
            assertEquals("-ERR no such message, only 0 messages in maildrop", pop3.command("LIST 1"));
            assertEquals("-ERR TOP needs a message number and a number of lines", pop3.command("TOP 1"));
            assertEquals("-ERR already logged in", pop3.command("USER " + USER));
            assertEquals("-ERR unknown command", pop3.command("LAST"));
            assertEquals("+OK", pop3.command("NOOP"));
        }
    }

    @Test
    void theMaildropIsHeldByOneSessionAtATime() throws IOException {
        try (Pop3Wire first = loggedIn(USER); Pop3Wire second = secure()) {
            assertEquals("+OK send the password", second.command("USER " + USER));
            assertEquals("-ERR [IN-USE] another POP3 session holds the maildrop",
                    second.command("PASS secret-password"));
            assertEquals("+OK mx.test POP3 server signing off (0 messages deleted)", first.command("QUIT"));
            assertTrue(first.closedByServer());
            assertEquals("+OK send the password", second.command("USER " + USER));
            assertEquals("+OK maildrop has 0 messages (0 octets)", second.command("PASS secret-password"));
        }
    }

    @Test
    void aSessionThatEndsWithoutQuitDeletesNothing() throws IOException {
        String user = "leaving@example.test";
        node.createMailbox(user);
        new Delivered(node).deliver(user, "stays", "Still here.\r\n");
        try (Pop3Wire pop3 = loggedIn(user)) {
            assertEquals("+OK message 1 deleted", pop3.command("DELE 1"));
            pop3.drop();
        }
        try (Pop3Wire pop3 = secure()) {
            // The dropped session lets go of the maildrop once the server has seen the connection close.
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                pop3.command("USER " + user);
                return pop3.command("PASS secret-password");
            }, reply -> !reply.startsWith("-ERR [IN-USE]"));
            assertTrue(pop3.command("STAT").startsWith("+OK 1 "), "RFC 1939 section 6: no UPDATE without QUIT");
        }
    }

    @Test
    void anOverlongLineEndsTheConnection() throws IOException {
        try (Pop3Wire pop3 = secure()) {
            pop3.send("NOOP " + "x".repeat(9000) + "\r\n");
            assertEquals("-ERR line too long", pop3.line());
            assertTrue(pop3.closedByServer());
        }
    }

    @Test
    void aPasswordChangeEndsTheSession() throws IOException {
        String user = "changing@example.test";
        node.createMailbox(user);
        try (Pop3Wire pop3 = loggedIn(user)) {
            assertEquals(204, node.put("/api/v1/addresses/" + user + "/password",
                    "{\"password\":\"another-password\"}").statusCode());
            assertTrue(pop3.closedByServer(), "closed without a response: POP3 has none unsolicited");
        }
    }

    @Test
    void aDisabledAddressOrADomainInMaintenanceCannotLogInAndIsToldWhy() throws IOException {
        node.createMailbox("eve@disabled.test");
        assertEquals(200, node.patch("/api/v1/addresses/eve@disabled.test", "{\"disabled\":true}").statusCode());
        node.createMailbox("max@maintained.test");
        assertEquals(200, node.patch("/api/v1/domains/maintained.test", "{\"maintenance\":true}").statusCode());
        try (Pop3Wire pop3 = secure()) {
            pop3.command("USER eve@disabled.test");
            assertEquals("-ERR [AUTH] Authentication failed.", pop3.command("PASS wrong-password"),
                    "a wrong password says nothing more");
            pop3.command("USER eve@disabled.test");
            assertEquals("-ERR [AUTH] the address is disabled", pop3.command("PASS secret-password"));
            pop3.command("USER max@maintained.test");
            assertEquals("-ERR [SYS/TEMP] maintained.test is in maintenance: its mailboxes cannot be read until it"
                    + " ends", pop3.command("PASS secret-password"));
        }
    }

    @Test
    void aServiceInMaintenanceKeepsReceivingMailButItsMailboxesCannotBeReadUntilItEnds() throws IOException {
        String user = "ida@upkeep.test";
        node.createMailboxInService(user, "upkeep");
        assertEquals(200, node.patch("/api/v1/services/upkeep", "{\"maintenance\":true}").statusCode());
        new Delivered(node).send(user, "while maintained", "Kept.\r\n");
        try (Pop3Wire pop3 = secure()) {
            pop3.command("USER " + user);
            assertEquals("-ERR [SYS/TEMP] upkeep.test is in maintenance: its mailboxes cannot be read until it ends",
                    pop3.command("PASS secret-password"));
        }

        assertEquals(200, node.patch("/api/v1/services/upkeep", "{\"maintenance\":false}").statusCode());
        new MailboxReader(node).awaitSubject(user, "while maintained", 1);
        try (Pop3Wire pop3 = loggedIn(user)) {
            assertTrue(pop3.command("STAT").startsWith("+OK 1 "));
        }
    }

    private static List<String> multiLine(Pop3Wire pop3, String command) throws IOException {
        pop3.send(command + "\r\n");
        return pop3.multiLine();
    }

    private static Pop3Wire secure() throws IOException {
        Pop3Wire pop3 = new Pop3Wire(node.pop3Port(false));
        pop3.line();
        assertEquals("+OK Begin TLS negotiation now", pop3.command("STLS"));
        pop3.startTls(tls);
        return pop3;
    }

    private static Pop3Wire loggedIn(String user) throws IOException {
        Pop3Wire pop3 = secure();
        assertEquals("+OK send the password", pop3.command("USER " + user));
        assertTrue(pop3.command("PASS secret-password").startsWith("+OK maildrop has "));
        return pop3;
    }
}
