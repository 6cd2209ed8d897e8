package dev.postillion.mta.imap;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.core.MutableClock;
import dev.postillion.mta.SmtpClient;
import dev.postillion.mta.TestNode;
import dev.postillion.mta.TlsTrust;
import dev.postillion.mta.TwoNodes;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IMAP sessions on one node of a cluster hear what happens to their mailbox through the other
 * (RFC 2177 IDLE, untagged updates): a delivery, another session's flags, and a password change.
 * Tagged "cluster": CI runs it once, in its first run, with the other tests of several nodes.
 */
@Tag("cluster")
class ImapAcrossNodesTest {

    private static final String ANNA = "anna@example.test";
    private static final String CAROL = "carol@example.test";

    @TempDir static Path one;
    @TempDir static Path two;
    @TempDir static Path keys;
    static TwoNodes cluster;

    @BeforeAll
    static void start() throws IOException {
        // Logins refused while node two has not heard of a password change must not lock the tests out.
        cluster = TwoNodes.start(one, two, keys, new MutableClock(Instant.parse("2026-12-07T09:00:00Z")),
                Map.of("postillion.smtp.auth.lockout-after", 1000));
        cluster.one().createMailbox(ANNA);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void anIdlingSessionOnOneNodeHearsOfDeliveriesAndFlagsThroughTheOther() throws IOException {
        try (ImapWire idling = loggedIn(cluster.two(), two); ImapWire other = loggedIn(cluster.one(), one)) {
            assertEquals("* 0 EXISTS", idling.command("a", "SELECT INBOX").get(0));
            idling.send("b IDLE\r\n");
            assertEquals("+ idling", idling.line());
            // The topic reaches node two some time after both are up: deliveries go on until one is heard.
            idling.timeout(Duration.ofSeconds(1));
            int[] sent = {0};
            await("node two hears node one's mailbox changes").atMost(Duration.ofSeconds(30)).until(() -> {
                deliver(cluster.one(), "ping " + ++sent[0]);
                try {
                    return idling.line().matches("\\* \\d+ EXISTS");
                } catch (SocketTimeoutException notYet) {
                    return false;
                }
            });
            idling.timeout(Duration.ofSeconds(10));
            other.command("c", "SELECT INBOX");
            assertEquals("d OK STORE completed", other.command("d", "STORE 1 +FLAGS.SILENT (\\Flagged)").get(0));
            String flagged;
            do {
                flagged = idling.line(); // deliveries sent before the first was heard may come first
            } while (flagged.matches("\\* \\d+ EXISTS"));
            assertEquals("* 1 FETCH (UID 1 FLAGS (\\Flagged))", flagged, "another session's flags, through node one");
            idling.send("DONE\r\n");
            List<String> done = idling.until("b");
            assertEquals("b OK IDLE terminated", done.get(done.size() - 1));
        }
    }

    @Test
    void aPasswordChangedThroughOneNodeEndsTheImapSessionOnTheOther() throws IOException {
        cluster.one().createMailbox(CAROL);
        String[] passwords = {"secret-password", "Another-Secret-9"};
        int[] current = {0};
        // Node two's directory may not have heard of the last change either: carol logs in with
        // whichever of the two passwords it takes.
        await("node two hears node one's password changes").atMost(Duration.ofSeconds(30)).until(() -> {
            try (ImapWire imap = loggedInWithEither(CAROL, passwords[current[0]], passwords[1 - current[0]])) {
                current[0] = 1 - current[0];
                imap.timeout(Duration.ofSeconds(1));
                assertEquals(204, cluster.one().put("/api/v1/addresses/" + CAROL + "/password",
                        "{\"password\":\"" + passwords[current[0]] + "\"}").statusCode());
                try {
                    return imap.line().equals("* BYE the password was changed, log in again");
                } catch (SocketTimeoutException notHeard) {
                    return false;
                }
            }
        });
    }

    private static ImapWire loggedInWithEither(String user, String password, String other) throws IOException {
        for (String tried : new String[] {password, other}) {
            ImapWire imap = secure(cluster.two(), two);
            if (imap.command("l", "LOGIN " + user + " " + tried).get(0).startsWith("l OK")) {
                return imap;
            }
            imap.close();
        }
        throw new AssertionError("node two takes neither of the passwords of " + user);
    }

    private static ImapWire loggedIn(TestNode node, Path dataDir) throws IOException {
        ImapWire imap = secure(node, dataDir);
        assertTrue(imap.command("l", "LOGIN " + ANNA + " secret-password").get(0).startsWith("l OK"));
        return imap;
    }

    private static ImapWire secure(TestNode node, Path dataDir) throws IOException {
        ImapWire imap = new ImapWire(node.imapPort(true), TlsTrust.trusting(TlsTrust.generatedCertificate(dataDir)));
        imap.line();
        return imap;
    }

    private static void deliver(TestNode node, String subject) throws IOException {
        try (SmtpClient smtp = new SmtpClient(node.smtpPort())) {
            smtp.reply();
            smtp.command("EHLO client.example.org");
            smtp.command("MAIL FROM:<bob@example.org>");
            smtp.command("RCPT TO:<" + ANNA + ">");
            smtp.command("DATA");
            assertTrue(smtp.command("Subject: " + subject + "\r\n\r\nHello.\r\n.").startsWith("250 2.0.0"));
        }
    }
}
