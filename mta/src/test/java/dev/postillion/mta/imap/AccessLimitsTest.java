package dev.postillion.mta.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.mta.LineWire;
import dev.postillion.mta.TestNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connections at once per client address on IMAP and POP3, and IMAP sessions per user: one more is
 * refused with the protocol's answer and closed, and its place is free again once one closes.
 */
class AccessLimitsTest {

    private static final String USER = "anna@example.test";

    @TempDir static Path dataDir;
    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start(dataDir, Map.of("postillion.imap.max-connections-per-client", 3,
                "postillion.imap.max-connections-per-user", 2,
                "postillion.pop3.max-connections-per-client", 2), Clock.systemUTC());
        node.createMailbox(USER);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void imapRefusesAClientsConnectionOverItsLimitWithBye() throws IOException {
        try (ImapWire first = greeted(); ImapWire second = greeted(); ImapWire third = greeted();
                ImapWire fourth = new ImapWire(node.imapPort(false))) {
            assertEquals("* BYE [UNAVAILABLE] too many connections from 127.0.0.1", fourth.line());
            assertTrue(fourth.closedByServer());
        }
        Awaitility.await().untilAsserted(() -> {
            try (ImapWire again = greeted()) {
                assertEquals(List.of("n OK NOOP completed"), again.command("n", "NOOP"));
            }
        });
    }

    @Test
    void imapRefusesAUsersSessionOverItsLimitWithLimit() throws IOException {
        Awaitility.await().untilAsserted(() -> {
            try (ImapWire first = greeted(); ImapWire second = greeted(); ImapWire third = greeted()) {
                assertTrue(login(first).startsWith("l OK [CAPABILITY "));
                assertTrue(login(second).startsWith("l OK [CAPABILITY "));
                assertEquals("l NO [LIMIT] too many sessions of " + USER + " at once", login(third));
                second.command("o", "LOGOUT");
                assertTrue(second.closedByServer());
                Awaitility.await().untilAsserted(() -> assertTrue(login(third).startsWith("l OK [CAPABILITY ")));
            }
        });
    }

    @Test
    void pop3RefusesAClientsConnectionOverItsLimitWithErr() throws IOException {
        try (LineWire first = pop3Greeted(); LineWire second = pop3Greeted();
                LineWire third = new LineWire(node.pop3Port(false))) {
            assertEquals("-ERR [SYS/TEMP] too many connections from 127.0.0.1", third.line());
            assertTrue(third.closedByServer());
        }
        Awaitility.await().untilAsserted(() -> {
            try (LineWire again = pop3Greeted()) {
                again.send("NOOP\r\n");
                assertEquals("-ERR log in first", again.line());
            }
        });
    }

    private static ImapWire greeted() throws IOException {
        ImapWire imap = new ImapWire(node.imapPort(false));
        assertTrue(imap.line().startsWith("* OK [CAPABILITY "));
        return imap;
    }

    private static String login(ImapWire imap) throws IOException {
        List<String> answer = imap.command("l", "LOGIN " + USER + " secret-password");
        return answer.get(answer.size() - 1);
    }

    private static LineWire pop3Greeted() throws IOException {
        LineWire pop3 = new LineWire(node.pop3Port(false));
        assertEquals("+OK mx.test POP3 ready", pop3.line());
        return pop3;
    }
}
