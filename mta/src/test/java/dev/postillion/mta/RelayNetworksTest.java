package dev.postillion.mta;

import static dev.postillion.mta.SmtpProtocolTest.SENDER_OK;
import static dev.postillion.mta.SmtpProtocolTest.connect;
import static dev.postillion.mta.SmtpProtocolTest.message;
import static dev.postillion.mta.SmtpProtocolTest.newMailbox;
import static dev.postillion.mta.SmtpProtocolTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code postillion.smtp.relay-networks}: who may send to domains not hosted here without AUTH.
 * Without relay networks, the default, SmtpProtocolTest finds such mail refused.
 */
class RelayNetworksTest {

    /** The tests' client, 127.0.0.1, is inside these relay networks. */
    @TempDir static Path dataDir;
    static TestNode node;

    @BeforeAll
    static void start() {
        node = startWithRelayNetworks(dataDir, "10.1.0.0/16", "127.0.0.0/8");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** {@code send} asserts 250 2.1.5 for each recipient and "250 2.0.0 Ok: queued as" for the message. */
    @Test
    void mailToAnotherDomainIsAccepted() throws IOException {
        try (SmtpClient smtp = connect(node)) {
            send(smtp, "<a@sender.test>", message("relayed"), "x@elsewhere.test", "y@elsewhere.test");
        }
    }

    @Test
    void relayedAndLocalRecipientsShareATransaction() throws IOException {
        String local = newMailbox(node);
        try (SmtpClient smtp = connect(node)) {
            String id = send(smtp, "<a@sender.test>", message("both"), "x@elsewhere.test", local);
            assertEquals("both", new MailboxReader(node).awaitMessage(local, id).get("subject").asText());
        }
    }

    /** Relaying is for other domains: a hosted domain still knows its users (SPEC section 4). */
    @Test
    void anUnknownUserAtAHostedDomainIsStillRefused() throws IOException {
        newMailbox(node); // so that example.test is hosted
        try (SmtpClient smtp = connect(node)) {
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<a@sender.test>"));
            assertEquals("550 5.1.1 <nobody@example.test>: Recipient address rejected: "
                    + "User unknown in virtual mailbox table", smtp.command("RCPT TO:<nobody@example.test>"));
        }
    }

    @Test
    void aClientOutsideTheRelayNetworksIsRelayDenied(@TempDir Path otherDir) throws IOException {
        try (TestNode other = startWithRelayNetworks(otherDir, "10.0.0.0/8", "::1/128");
                SmtpClient smtp = connect(other)) {
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<a@sender.test>"));
            assertEquals("554 5.7.1 <x@elsewhere.test>: Relay access denied",
                    smtp.command("RCPT TO:<x@elsewhere.test>"));
        }
    }

    @Test
    void aBadEntryStopsTheStartAndIsNamed(@TempDir Path otherDir) {
        ConfigException.BadValue refused = assertThrows(ConfigException.BadValue.class,
                () -> startWithRelayNetworks(otherDir, "127.0.0.0/8", "10.1.2.3/16"));
        assertEquals("hardcoded value: Invalid value at 'postillion.smtp.relay-networks': bad network \"10.1.2.3/16\": "
                + "host bits are set after the first 16; the network is 10.1.0.0/16", refused.getMessage());
    }

    private static TestNode startWithRelayNetworks(Path dataDir, String... networks) {
        return TestNode.start(dataDir, Map.of("postillion.smtp.relay-networks", List.of(networks)), Clock.systemUTC());
    }
}
