package dev.postillion.mta.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.mta.LineWire;
import dev.postillion.mta.TestNode;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What mail clients send and read shares the node's content memory with SMTP's messages: an IMAP
 * literal that finds it taken waits for its "+", and FETCH, SEARCH on content and POP3's RETR wait
 * for their answers, until the command holding it is done; then they go on, nothing is refused.
 */
class AccessContentMemoryTest {

    private static final String USER = "anna@example.test";
    private static final String READER = "bert@example.test";
    private static final String MESSAGE = "Subject: big\r\n\r\n" + "x".repeat(30_000) + "\r\n";

    @TempDir static Path dataDir;
    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start(dataDir, Map.of("postillion.smtp.content-memory", "32KiB"), Clock.systemUTC());
        node.createMailbox(USER);
        node.createMailbox(READER);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void aLiteralWithoutRoomWaitsForItsContinuationUntilTheOtherCommandIsDone() throws IOException {
        try (ImapWire first = loggedIn(); ImapWire second = loggedIn()) {
            first.send("a APPEND INBOX {" + MESSAGE.length() + "}\r\n");
            assertEquals("+ Ready for literal data", first.line(), "the oldest literal may always go on");
            second.send("b APPEND INBOX {" + MESSAGE.length() + "}\r\n");
            second.timeout(Duration.ofMillis(500));
            assertThrows(SocketTimeoutException.class, second::line, "no room: no continuation yet");
            first.send(MESSAGE + "\r\n");
            assertTrue(first.line().startsWith("a OK [APPENDUID "));
            second.timeout(Duration.ofSeconds(10));
            assertEquals("+ Ready for literal data", second.line(), "the first command is done: room again");
            second.send(MESSAGE + "\r\n");
            assertTrue(second.line().startsWith("b OK [APPENDUID "));
            assertEquals(List.of("* STATUS \"INBOX\" (MESSAGES 2)", "c OK STATUS completed"),
                    second.command("c", "STATUS INBOX (MESSAGES)"));
        }
    }

    @Test
    void fetchSearchAndRetrWaitForRoomWhileALiteralHoldsIt() throws IOException {
        try (ImapWire holder = loggedIn(READER); ImapWire reader = loggedIn(READER)) {
            holder.send("h1 APPEND INBOX {" + MESSAGE.length() + "+}\r\n" + MESSAGE + "\r\n");
            assertTrue(holder.line().startsWith("h1 OK [APPENDUID "));
            reader.command("r0", "SELECT INBOX");
            try (LineWire pop3 = new LineWire(node.pop3Port(false))) {
                pop3.line();
                pop3.send("USER " + READER + "\r\nPASS secret-password\r\n");
                assertEquals("+OK send the password", pop3.line());
                assertEquals("+OK maildrop has 1 messages (" + MESSAGE.length() + " octets)", pop3.line());

                holdLiteral(holder, "h2");
                reader.send("r1 FETCH 1 (BODY.PEEK[])\r\n");
                pop3.send("RETR 1\r\n");
                assertNoAnswerYet(reader);
                assertNoAnswerYet(pop3);
                releaseLiteral(holder, "h2");
                List<String> fetched = untilTagged(reader, "r1");
                assertEquals("* 1 FETCH (BODY[] {" + MESSAGE.length() + "}", fetched.get(0));
                assertEquals("r1 OK FETCH completed", fetched.get(fetched.size() - 1));
                pop3.timeout(Duration.ofSeconds(10));
                assertEquals("+OK " + MESSAGE.length() + " octets", pop3.line());
            }

            holdLiteral(holder, "h3");
            reader.send("r2 SEARCH BODY xxx\r\n");
            assertNoAnswerYet(reader);
            releaseLiteral(holder, "h3");
            List<String> searched = untilTagged(reader, "r2");
            assertTrue(searched.stream().anyMatch(line -> line.startsWith("* SEARCH 1")), searched::toString);
            assertEquals("r2 OK SEARCH completed", searched.get(searched.size() - 1));
        }
    }

    /** Announces a synchronising literal and gets its "+": the oldest holder may always go on. */
    private static void holdLiteral(ImapWire holder, String tag) throws IOException {
        holder.send(tag + " APPEND INBOX {" + MESSAGE.length() + "}\r\n");
        assertEquals("+ Ready for literal data", holder.line());
    }

    private static void releaseLiteral(ImapWire holder, String tag) throws IOException {
        holder.send(MESSAGE + "\r\n");
        assertTrue(holder.line().startsWith(tag + " OK [APPENDUID "));
    }

    private static void assertNoAnswerYet(LineWire wire) throws IOException {
        wire.timeout(Duration.ofMillis(300));
        assertThrows(SocketTimeoutException.class, wire::line, "no room for the message: no answer yet");
    }

    private static List<String> untilTagged(ImapWire wire, String tag) throws IOException {
        wire.timeout(Duration.ofSeconds(10));
        List<String> lines = new ArrayList<>();
        String line;
        do {
            line = wire.line();
            if (!line.startsWith("xxx")) {
                lines.add(line);
            }
        } while (!line.startsWith(tag + " "));
        return lines;
    }

    private static ImapWire loggedIn() throws IOException {
        return loggedIn(USER);
    }

    private static ImapWire loggedIn(String user) throws IOException {
        ImapWire imap = new ImapWire(node.imapPort(false));
        imap.line();
        assertTrue(imap.command("l", "LOGIN " + user + " secret-password").get(0).startsWith("l OK"),
                "a loopback client may log in without TLS");
        return imap;
    }
}
