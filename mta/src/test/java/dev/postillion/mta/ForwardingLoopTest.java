package dev.postillion.mta;

import static dev.postillion.mta.OutboundDeliveryTest.transactionWith;
import static dev.postillion.mta.RedirectAndSrsTest.assertHeader;
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
 * Redirect loops over real SMTP (SPEC section 2): a message that comes back to an address it
 * already passed carries that address's {@code Delivered-To} and stops there, kept once; nothing
 * amplifies, and nothing is left queued.
 */
class ForwardingLoopTest extends NodeInRemoteWorld {

    private static final String DOMAIN = "loop.example";
    private static final String SENDER = "<someone@origin.test>";

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
    void twoAddressesRedirectingToEachOtherStoreTheMessageOnceWhereTheLoopCloses() throws IOException {
        String ping = "ping@" + DOMAIN;
        String pong = "pong@" + DOMAIN;
        node.createMailbox(ping);
        node.createMailbox(pong);
        redirect(ping, false, pong);
        redirect(pong, false, ping);

        String id = sendTo(message("ping pong"), ping);

        JsonNode stored = mailboxes.awaitSubject(ping, "ping pong", 1).get(0);
        queue.awaitGone(id);
        queue.awaitEmpty();
        assertEquals(1, mailboxes.messages(ping).size());
        assertEquals(List.of(), mailboxes.messages(pong));
        assertEquals("INBOX", stored.get("folder").asText());
        assertEquals("<someone@origin.test>", stored.get("returnPath").asText());
        String raw = mailboxes.raw(ping, stored);
        assertHeader(raw, "Delivered-To: " + pong);
        assertHeader(raw, "Delivered-To: " + ping);
    }

    @Test
    void aLoopOfThreeAddressesAlsoEndsWithOneCopy() throws IOException {
        String first = "one@" + DOMAIN;
        String second = "two@" + DOMAIN;
        String third = "three@" + DOMAIN;
        node.createMailbox(first);
        node.createMailbox(second);
        node.createMailbox(third);
        redirect(first, false, second);
        redirect(second, false, third);
        redirect(third, false, first);

        String id = sendTo(message("round of three"), second);

        mailboxes.awaitSubject(second, "round of three", 1);
        queue.awaitGone(id);
        queue.awaitEmpty();
        assertEquals(1, mailboxes.messages(second).size());
        assertEquals(List.of(), mailboxes.messages(first));
        assertEquals(List.of(), mailboxes.messages(third));
    }

    @Test
    void redirectsThatKeepCopiesInALoopStoreOneCopyPerPassAndStop() throws IOException {
        String tick = "tick@" + DOMAIN;
        String tock = "tock@" + DOMAIN;
        node.createMailbox(tick);
        node.createMailbox(tock);
        redirect(tick, true, tock);
        redirect(tock, true, tick);

        sendTo(message("tick tock"), tick);

        mailboxes.awaitSubject(tick, "tick tock", 2);
        mailboxes.awaitSubject(tock, "tick tock", 1);
        queue.awaitEmpty();
        assertEquals(2, mailboxes.messages(tick).size(), "the first pass and the one that closed the loop");
        assertEquals(1, mailboxes.messages(tock).size());
    }

    @Test
    void aMessageThatAlreadyCarriesTheAddresssDeliveredToIsKeptAndNotForwarded() throws IOException {
        String address = "back@" + DOMAIN;
        node.createMailbox(address);
        redirect(address, false, "away@remote.test");

        String id = sendTo("Delivered-To: " + address + "\r\n" + message("came back"), address);

        JsonNode kept = mailboxes.awaitMessage(address, id);
        assertEquals("INBOX", kept.get("folder").asText());
        queue.awaitGone(id);
        queue.awaitEmpty();
        assertTrue(transactionWith(mx, "<came-back@sender.test>").isEmpty(), "not forwarded");
        assertEquals(1, mailboxes.messages(address).size());
    }

    @Test
    void aMessageOverTheHopLimitIsKeptAndNotForwarded() throws IOException {
        String address = "hops@" + DOMAIN;
        node.createMailbox(address);
        redirect(address, false, "hops@remote.test");
        StringBuilder content = new StringBuilder();
        // 50 pass SMTP's limit; with the node's own Received header the message has passed 51 hosts.
        for (int i = 0; i < 50; i++) {
            content.append("Received: from hop").append(i).append(".test by hop").append(i + 1).append(".test\r\n");
        }
        content.append(message("many hops"));

        String id = sendTo(content.toString(), address);

        mailboxes.awaitMessage(address, id);
        queue.awaitGone(id);
        queue.awaitEmpty();
        assertTrue(transactionWith(mx, "<many-hops@sender.test>").isEmpty(), "not forwarded");
    }

    private static void redirect(String address, boolean keepCopy, String target) {
        HttpResponse<String> set = node.put("/api/v1/addresses/" + address + "/redirect",
                "{\"targets\":[\"" + target + "\"],\"keepCopy\":" + keepCopy + "}");
        assertEquals(200, set.statusCode(), set.body());
    }

    private static String sendTo(String content, String recipient) throws IOException {
        try (SmtpClient smtp = connect(node)) {
            return send(smtp, SENDER, content, recipient);
        }
    }
}
