package dev.postillion.mta.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.mta.TestNode;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IMAP literals share the node's content memory with SMTP's messages: a literal that finds it
 * taken waits for its "+" until the command holding it is done, then goes on; nothing is refused.
 */
class ImapLiteralMemoryTest {

    private static final String USER = "anna@example.test";
    private static final String MESSAGE = "Subject: big\r\n\r\n" + "x".repeat(30_000) + "\r\n";

    @TempDir static Path dataDir;
    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start(dataDir, Map.of("postillion.smtp.content-memory", "32KiB"), Clock.systemUTC());
        node.createMailbox(USER);
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

    private static ImapWire loggedIn() throws IOException {
        ImapWire imap = new ImapWire(node.imapPort(false));
        imap.line();
        assertTrue(imap.command("l", "LOGIN " + USER + " secret-password").get(0).startsWith("l OK"),
                "a loopback client may log in without TLS");
        return imap;
    }
}
