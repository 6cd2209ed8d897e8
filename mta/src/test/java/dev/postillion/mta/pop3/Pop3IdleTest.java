package dev.postillion.mta.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.mta.TestNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RFC 1939 section 3's autologout timer: a silent client is disconnected, before login and after. */
class Pop3IdleTest {

    @TempDir static Path dataDir;
    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start(dataDir, Map.of("postillion.pop3.idle-timeout", "2s"), Clock.systemUTC());
        node.createMailbox("idle@example.test");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void aSilentClientIsDisconnected() throws IOException {
        try (Pop3Wire pop3 = new Pop3Wire(node.pop3Port(false))) {
            assertEquals("+OK mx.test POP3 ready", pop3.line());
            assertTrue(pop3.closedByServer());
        }
        try (Pop3Wire pop3 = new Pop3Wire(node.pop3Port(false))) {
            pop3.line();
            // Loopback may log in without TLS by default.
            assertEquals("+OK send the password", pop3.command("USER idle@example.test"));
            assertEquals("+OK maildrop has 0 messages (0 octets)", pop3.command("PASS secret-password"));
            assertTrue(pop3.closedByServer());
        }
    }
}
