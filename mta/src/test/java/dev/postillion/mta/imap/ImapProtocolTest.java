package dev.postillion.mta.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.mta.Delivered;
import dev.postillion.mta.MailboxReader;
import dev.postillion.mta.TestNode;
import dev.postillion.mta.TlsTrust;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IMAP protocol at the byte level (RFC 9051 section 2.2, RFC 7888): literals synchronizing and
 * not, SASL-IR and AUTHENTICATE's continuation, commands injected before STARTTLS, a client that
 * disconnects in the middle of a literal, limits and bad input answered with BAD and a reason;
 * logins refused for a disabled address, a domain or a mail service in maintenance.
 */
class ImapProtocolTest {

    private static final String USER = "anna@example.test";

    @TempDir static Path dataDir;
    static TestNode node;
    static SSLContext tls;

    @BeforeAll
    static void start() {
        node = TestNode.start(dataDir, Map.of("postillion.imap.plaintext-login-networks", List.of(),
                "postillion.imap.max-literal-size", "1KiB"), Clock.systemUTC());
        node.createMailbox(USER);
        tls = TlsTrust.trusting(TlsTrust.generatedCertificate(dataDir));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void commandsSentAfterStartTlsInPlainTextAreDropped() throws IOException {
        try (ImapWire imap = new ImapWire(node.imapPort(false))) {
            assertTrue(imap.line().startsWith("* OK [CAPABILITY IMAP4rev1 "));
            imap.send("a STARTTLS\r\nb LOGIN " + USER + " secret-password\r\n");
            assertEquals("a OK Begin TLS negotiation now", imap.line());
            imap.startTls(tls);
            List<String> capability = imap.command("c", "CAPABILITY");
            assertEquals("c OK CAPABILITY completed", capability.get(1), "b was never run: c is answered first");
            assertTrue(capability.get(0).endsWith(" AUTH=PLAIN"), capability.get(0));
        }
    }

    @Test
    void literalsSynchronizingAndNotCarryTheCredentials() throws IOException {
        try (ImapWire imap = secure()) {
            imap.send("a LOGIN {" + USER.length() + "}\r\n");
            assertEquals("+ Ready for literal data", imap.line());
            imap.send(USER + " {15+}\r\nsecret-password\r\n");
            List<String> answer = imap.until("a");
            assertTrue(answer.get(0).startsWith("a OK [CAPABILITY IMAP4rev1 "), answer.toString());
            imap.send("b APPEND Drafts {25+}\r\nSubject: draft\r\n\r\nText\r\n\r\n");
            assertTrue(imap.line().matches("b OK \\[APPENDUID \\d+ 1] APPEND completed"));
        }
    }

    @Test
    void authenticatePlainWithAnInitialResponseOrAContinuation() throws IOException {
        String plain = Base64.getEncoder().encodeToString(("\0" + USER + "\0secret-password")
                .getBytes(StandardCharsets.UTF_8));
        try (ImapWire imap = secure()) {
            assertTrue(imap.command("a", "AUTHENTICATE PLAIN " + plain).get(0).startsWith("a OK [CAPABILITY "));
        }
        try (ImapWire imap = secure()) {
            imap.send("a AUTHENTICATE PLAIN\r\n");
            assertEquals("+ ", imap.line());
            imap.send(plain + "\r\n");
            assertTrue(imap.line().startsWith("a OK [CAPABILITY "));
        }
        try (ImapWire imap = secure()) {
            imap.send("a AUTHENTICATE PLAIN\r\n");
            assertEquals("+ ", imap.line());
            imap.send("*\r\n");
            assertEquals("a BAD AUTHENTICATE cancelled", imap.line());
            assertEquals(List.of("b NO [CANNOT] only AUTHENTICATE PLAIN is offered"),
                    imap.command("b", "AUTHENTICATE CRAM-MD5"));
        }
    }

    @Test
    void aLiteralOverTheLimitIsRefusedBeforeItIsSent() throws IOException {
        try (ImapWire imap = loggedIn()) {
            imap.send("a APPEND INBOX {2048}\r\n");
            assertEquals("a NO [TOOBIG] a literal may hold at most 1024 octets", imap.line());
            assertEquals(List.of("b OK NOOP completed"), imap.command("b", "NOOP"), "the session goes on");
            String message = "Subject: long\r\n\r\n" + "x".repeat(2000 - 19) + "\r\n";
            imap.send("n APPEND Drafts {2000+}\r\n" + message + "\r\n");
            assertTrue(imap.line().matches("n OK \\[APPENDUID \\d+ \\d+] APPEND completed"),
                    "LITERAL- (RFC 7888): a non-synchronizing literal of up to 4096 octets is taken over the limit");
            imap.send("c APPEND INBOX {5000+}\r\n");
            assertEquals("c NO [TOOBIG] a literal may hold at most 1024 octets", imap.line());
            assertTrue(imap.closedByServer(), "a literal it cannot refuse in time, over LITERAL-'s 4096, ends the"
                    + " connection");
        }
    }

    @Test
    void aClientThatDisconnectsInTheMiddleOfALiteralAppendsNothing() throws IOException {
        try (ImapWire imap = loggedIn()) {
            imap.send("a APPEND Archive {500+}\r\nSubject: cut\r\n\r\nonly part");
        }
        try (ImapWire imap = loggedIn()) {
            assertEquals(List.of("* STATUS \"Archive\" (MESSAGES 0)", "b OK STATUS completed"),
                    imap.command("b", "STATUS Archive (MESSAGES)"));
        }
    }

    @Test
    void badInputIsAnsweredWithBadAndAReason() throws IOException {
        try (ImapWire imap = loggedIn()) {
            assertEquals(List.of("a BAD unknown command FROB"), imap.command("a", "FROB"));
            assertEquals(List.of("b BAD FETCH needs a selected folder"), imap.command("b", "FETCH 1 FLAGS"));
            assertEquals(List.of("* 0 EXISTS", "* 0 RECENT"), imap.command("c", "SELECT INBOX").subList(0, 2));
            assertEquals(List.of("d BAD no message with sequence number 5: the folder holds 0"),
                    imap.command("d", "FETCH 5 FLAGS"));
            assertEquals(List.of("e BAD no such FETCH item: COLOUR"), imap.command("e", "FETCH 1:* COLOUR"));
            assertEquals(List.of("f BAD a quoted string is not closed"), imap.command("f", "LIST \"\" \"*"));
            assertEquals(List.of("g BAD no such system flag: \\Shiny"), imap.command("g", "STORE 1:* +FLAGS (\\Shiny)"));
            assertEquals(List.of("h OK NOOP completed"), imap.command("h", "NOOP"));
        }
    }

    /** Found by MPT's ValidSelected script (ImapConformanceTest): CHECK was answered OK in any state. */
    @Test
    void checkIsASelectedStateCommand() throws IOException {
        try (ImapWire imap = secure()) {
            assertEquals(List.of("a BAD CHECK needs a login first"), imap.command("a", "CHECK"));
        }
        try (ImapWire imap = loggedIn()) {
            assertEquals(List.of("b BAD CHECK needs a selected folder"), imap.command("b", "CHECK"));
            imap.command("c", "SELECT INBOX");
            assertEquals(List.of("d OK CHECK completed"), imap.command("d", "CHECK"));
        }
    }

    @Test
    void anOverlongLineEndsTheConnection() throws IOException {
        try (ImapWire imap = loggedIn()) {
            imap.send("a NOOP " + "x".repeat(70 * 1024) + "\r\n");
            assertEquals("a BAD the command line is too long", imap.line());
            assertTrue(imap.closedByServer());
        }
    }

    @Test
    void aPasswordChangeEndsTheSession() throws IOException {
        String user = "changing@example.test";
        node.createMailbox(user);
        try (ImapWire imap = secure()) {
            assertTrue(imap.command("a", "LOGIN " + user + " secret-password").get(0).startsWith("a OK"));
            assertEquals(204, node.put("/api/v1/addresses/" + user + "/password",
                    "{\"password\":\"another-password\"}").statusCode());
            assertEquals("* BYE the password was changed, log in again", imap.line());
            assertTrue(imap.closedByServer());
        }
    }

    @Test
    void aDisabledAddressOrADomainInMaintenanceCannotLogInAndIsToldWhy() throws IOException {
        node.createMailbox("eve@disabled.test");
        assertEquals(200, node.patch("/api/v1/addresses/eve@disabled.test", "{\"disabled\":true}").statusCode());
        node.createMailbox("max@maintained.test");
        assertEquals(200, node.patch("/api/v1/domains/maintained.test", "{\"maintenance\":true}").statusCode());
        try (ImapWire imap = secure()) {
            assertEquals(List.of("a NO [AUTHENTICATIONFAILED] Authentication failed."),
                    imap.command("a", "LOGIN eve@disabled.test wrong-password"), "a wrong password says nothing more");
            assertEquals(List.of("b NO [AUTHORIZATIONFAILED] the address is disabled"),
                    imap.command("b", "LOGIN eve@disabled.test secret-password"));
            assertEquals(List.of("c NO [UNAVAILABLE] maintained.test is in maintenance: its mailboxes cannot be read"
                    + " until it ends"), imap.command("c", "LOGIN max@maintained.test secret-password"));
        }
    }

    @Test
    void aServiceInMaintenanceKeepsReceivingMailButItsMailboxesCannotBeReadUntilItEnds() throws IOException {
        String user = "ida@upkeep.test";
        node.createMailboxInService(user, "upkeep");
        HttpResponse<String> on = node.patch("/api/v1/services/upkeep", "{\"maintenance\":true}");
        assertEquals(200, on.statusCode(), on.body());
        new Delivered(node).send(user, "while maintained", "Kept.\r\n");
        try (ImapWire imap = secure()) {
            assertEquals(List.of("a NO [UNAVAILABLE] upkeep.test is in maintenance: its mailboxes cannot be read"
                    + " until it ends"), imap.command("a", "LOGIN " + user + " secret-password"));
        }

        assertEquals(200, node.patch("/api/v1/services/upkeep", "{\"maintenance\":false}").statusCode());
        new MailboxReader(node).awaitSubject(user, "while maintained", 1);
        try (ImapWire imap = secure()) {
            assertTrue(imap.command("a", "LOGIN " + user + " secret-password").get(0).startsWith("a OK "));
            assertTrue(imap.command("b", "SELECT INBOX").contains("* 1 EXISTS"));
        }
    }

    private static ImapWire secure() throws IOException {
        ImapWire imap = new ImapWire(node.imapPort(false));
        imap.line();
        assertEquals(List.of("s OK Begin TLS negotiation now"), imap.command("s", "STARTTLS"));
        imap.startTls(tls);
        return imap;
    }

    private static ImapWire loggedIn() throws IOException {
        ImapWire imap = secure();
        assertTrue(imap.command("l", "LOGIN " + USER + " secret-password").get(0).startsWith("l OK"));
        return imap;
    }
}
