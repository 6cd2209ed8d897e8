package dev.postillion.mta;

import static dev.postillion.mta.OutboundDeliveryTest.transactionWith;
import static dev.postillion.mta.SmtpProtocolTest.RECIPIENT_OK;
import static dev.postillion.mta.SmtpProtocolTest.SENDER_OK;
import static dev.postillion.mta.SmtpProtocolTest.connect;
import static dev.postillion.mta.SmtpProtocolTest.message;
import static dev.postillion.mta.SmtpProtocolTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postillion.queue.testing.FakeMx;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Per-address allow and block lists over real SMTP (SPEC section 4): blocked senders land in the
 * Junk folder, or are refused at RCPT when the address says so; allow-listed ones are never
 * blocked; the address's own address on its allow list is warned about.
 */
class SenderListsTest extends NodeInRemoteWorld {

    private static final String DOMAIN = "lists.example";
    private static final String LISTS = "{\"allow\":[\"friend@spam.example\"],\"block\":[\"@spam.example\","
            + "\"pest@annoy.example\"],\"blocked\":\"%s\"}";

    static FakeMx mx;

    @BeforeAll
    static void start() throws IOException {
        mx = startWorld().mx();
        startNode(Map.of());
    }

    @AfterEach
    void queueEmpty() {
        queue.awaitEmpty();
    }

    @Test
    void blockedSendersLandInJunkAndAllowedOnesInTheInbox() throws IOException {
        String address = "lisa@" + DOMAIN;
        node.createMailbox(address);
        HttpResponse<String> set = node.put("/api/v1/addresses/" + address + "/lists", String.format(LISTS, "spam"));
        assertEquals(200, set.statusCode(), set.body());
        JsonNode lists = QueueApi.json(set);
        assertEquals("[\"friend@spam.example\"]", lists.get("allow").toString());
        assertEquals("[\"@spam.example\",\"pest@annoy.example\"]", lists.get("block").toString());
        assertEquals("spam", lists.get("blocked").asText());
        assertEquals(0, lists.get("warnings").size());

        assertEquals("Junk", folderOf(address, "bad@spam.example", "from a blocked domain"));
        assertEquals("Junk", folderOf(address, "Other@SPAM.example", "from a blocked domain in capitals"));
        assertEquals("Junk", folderOf(address, "pest@annoy.example", "from a blocked address"));
        assertEquals("INBOX", folderOf(address, "friend@spam.example", "from an allowed sender"));
        assertEquals("INBOX", folderOf(address, "other@annoy.example", "from a listed domain's other sender"));
        assertEquals("INBOX", folderOf(address, "anyone@fine.example", "from an unlisted sender"));
        queue.awaitEmpty();
        assertEquals(6, mailboxes.messages(address).size());
    }

    @Test
    void blockedSendersAreRefusedAtRcptWhenTheAddressSaysSo() throws IOException {
        String address = "rita@" + DOMAIN;
        node.createMailbox(address);
        HttpResponse<String> set = node.put("/api/v1/addresses/" + address + "/lists", String.format(LISTS, "reject"));
        assertEquals(200, set.statusCode(), set.body());
        assertEquals("reject", QueueApi.json(set).get("blocked").asText());

        try (SmtpClient smtp = connect(node)) {
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<x@spam.example>"));
            assertEquals("550 5.7.1 <" + address + ">: Recipient address rejected: the recipient does not accept mail"
                    + " from <x@spam.example>", smtp.command("RCPT TO:<" + address + ">"));
            assertEquals(SmtpProtocolTest.OK, smtp.command("RSET"));
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<pest@annoy.example>"));
            assertEquals("550 5.7.1 <" + address + ">: Recipient address rejected: the recipient does not accept mail"
                    + " from <pest@annoy.example>", smtp.command("RCPT TO:<" + address + ">"));
            assertEquals(SmtpProtocolTest.OK, smtp.command("RSET"));
            // The null sender is on no list: reports still arrive.
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<>"));
            assertEquals(RECIPIENT_OK, smtp.command("RCPT TO:<" + address + ">"));
        }
        assertEquals("INBOX", folderOf(address, "friend@spam.example", "allowed despite rejection"));
        queue.awaitEmpty();
        assertEquals(1, mailboxes.messages(address).size());
    }

    @Test
    void mailFiledAsSpamIsNotRedirected() throws IOException {
        String address = "fred@" + DOMAIN;
        node.createMailbox(address);
        assertEquals(200, node.put("/api/v1/addresses/" + address + "/lists", String.format(LISTS, "spam"))
                .statusCode());
        HttpResponse<String> redirect = node.put("/api/v1/addresses/" + address + "/redirect",
                "{\"targets\":[\"fred@remote.test\"],\"keepCopy\":false}");
        assertEquals(200, redirect.statusCode(), redirect.body());

        assertEquals("Junk", folderOf(address, "bad@spam.example", "spam not forwarded"));
        queue.awaitEmpty();
        assertTrue(transactionWith(mx, "<spam-not-forwarded@sender.test>").isEmpty());
    }

    @Test
    void theAddressItselfOnItsAllowListIsAcceptedWithAWarning() {
        String address = "owen@" + DOMAIN;
        node.createMailbox(address);
        HttpResponse<String> set = node.put("/api/v1/addresses/" + address + "/lists",
                "{\"allow\":[\"Owen@" + DOMAIN + "\"],\"block\":[]}");
        assertEquals(200, set.statusCode(), set.body());
        JsonNode lists = QueueApi.json(set);
        assertTrue(lists.get("warnings").isArray(), set.body());
        assertTrue(lists.get("warnings").size() > 0, set.body());
        assertTrue(lists.get("warnings").get(0).asText().contains(address), set.body());
        assertEquals(List.of(address), List.of(lists.get("allow").get(0).asText()));
    }

    /** Sends a message from {@code sender} to the address and returns the folder it was stored in. */
    private static String folderOf(String address, String sender, String subject) throws IOException {
        String id;
        try (SmtpClient smtp = connect(node)) {
            id = send(smtp, "<" + sender + ">", message(subject), address);
        }
        return mailboxes.awaitMessage(address, id).get("folder").asText();
    }
}
