package dev.postillion.mta;

import static dev.postillion.mta.SmtpProtocolTest.RECIPIENT_OK;
import static dev.postillion.mta.SmtpProtocolTest.SENDER_OK;
import static dev.postillion.mta.SmtpProtocolTest.connect;
import static dev.postillion.mta.SmtpProtocolTest.message;
import static dev.postillion.mta.SmtpProtocolTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Addressing over real SMTP (SPEC sections 1 and 2): aliases, alias domains, the catch-all,
 * no-reply and disabled addresses, and domains in maintenance. Mail goes in over SMTP and is read
 * back through the admin API; every test leaves the queue empty.
 */
class AliasesAndCatchAllTest extends NodeInRemoteWorld {

    private static final String DOMAIN = "primary.example";
    private static final String ALIAS_DOMAIN = "alias.example";
    static final String SENDER = "<sender@sender.test>";
    static final String UNKNOWN = "Recipient address rejected: User unknown in virtual mailbox table";

    @BeforeAll
    static void start() throws IOException {
        startWorld();
        startNode(Map.of());
        assertEquals(201, node.post("/api/v1/domains", "{\"name\":\"" + DOMAIN + "\"}").statusCode());
        HttpResponse<String> alias = node.post("/api/v1/domains/" + DOMAIN + "/aliases-domains",
                "{\"name\":\"" + ALIAS_DOMAIN + "\"}");
        assertEquals(201, alias.statusCode(), alias.body());
    }

    @AfterEach
    void queueEmpty() {
        queue.awaitEmpty();
    }

    @Test
    void mailToAnAliasLandsInTheMainAddresssInbox() throws IOException {
        node.createMailbox("anna@" + DOMAIN);
        HttpResponse<String> created = addAlias("anna@" + DOMAIN, "anna.alias");
        assertEquals(201, created.statusCode(), created.body());
        assertEquals("anna.alias@" + DOMAIN, QueueApi.json(created).get("address").asText());

        String id = sendTo("to an alias", "anna.alias@" + DOMAIN);

        JsonNode stored = mailboxes.awaitMessage("anna@" + DOMAIN, id);
        assertEquals("INBOX", stored.get("folder").asText());
        assertEquals("to an alias", stored.get("subject").asText());
        assertTrue(mailboxes.raw("anna@" + DOMAIN, stored).contains("\r\nDelivered-To: anna@" + DOMAIN + "\r\n"));
        queue.awaitGone(id);
        assertEquals(1, mailboxes.messages("anna@" + DOMAIN).size());
    }

    @Test
    void aMessageToTheAddressAndItsAliasIsDeliveredTwice() throws IOException {
        node.createMailbox("bert@" + DOMAIN);
        assertEquals(201, addAlias("bert@" + DOMAIN, "bertie").statusCode());

        String id = sendTo("address and alias", "bert@" + DOMAIN, "bertie@" + DOMAIN);

        List<JsonNode> copies = mailboxes.awaitSubject("bert@" + DOMAIN, "address and alias", 2);
        queue.awaitGone(id);
        assertEquals(2, mailboxes.messages("bert@" + DOMAIN).size(), "two copies, never deduplicated");
        for (JsonNode copy : copies) {
            assertEquals(id, copy.get("queueId").asText());
            assertEquals("INBOX", copy.get("folder").asText());
        }
        assertTrue(copies.get(0).get("uid").asLong() != copies.get(1).get("uid").asLong());
    }

    @Test
    void anAliasMayNotShadowAnAddressNorAnAddressAnAlias() {
        node.createMailbox("cleo@" + DOMAIN);
        node.createMailbox("cora@" + DOMAIN);
        HttpResponse<String> shadowsAddress = addAlias("cleo@" + DOMAIN, "cora");
        assertEquals(409, shadowsAddress.statusCode(), shadowsAddress.body());
        assertFalse(QueueApi.json(shadowsAddress).get("error").asText().isEmpty());

        assertEquals(201, addAlias("cleo@" + DOMAIN, "cleo.alias").statusCode());
        HttpResponse<String> shadowsAlias = node.post("/api/v1/domains/" + DOMAIN + "/addresses",
                "{\"localPart\":\"cleo.alias\",\"password\":\"secret-password\"}");
        assertEquals(409, shadowsAlias.statusCode(), shadowsAlias.body());
        assertTrue(QueueApi.json(shadowsAlias).get("error").asText().contains("alias"), shadowsAlias.body());
        // A local part differing only in case is the same one.
        assertEquals(409, addAlias("cora@" + DOMAIN, "Cleo.Alias").statusCode());
    }

    @Test
    void aRemovedAliasIsRefusedAtRcptAndItsLocalPartIsFreeAgain() throws IOException {
        node.createMailbox("gwen@" + DOMAIN);
        assertEquals(201, addAlias("gwen@" + DOMAIN, "gwendolyn").statusCode());
        assertEquals(RECIPIENT_OK, rcpt("gwendolyn@" + ALIAS_DOMAIN));

        HttpResponse<String> removed = node.delete("/api/v1/addresses/gwen@" + DOMAIN + "/aliases/Gwendolyn");
        assertEquals(204, removed.statusCode(), removed.body());

        assertEquals("550 5.1.1 <gwendolyn@" + DOMAIN + ">: " + UNKNOWN, rcpt("gwendolyn@" + DOMAIN));
        assertEquals("550 5.1.1 <gwendolyn@" + ALIAS_DOMAIN + ">: " + UNKNOWN, rcpt("gwendolyn@" + ALIAS_DOMAIN));
        assertEquals(0, QueueApi.json(node.get("/api/v1/addresses/gwen@" + DOMAIN + "/aliases")).size());
        node.createMailbox("gwendolyn@" + DOMAIN);
    }

    @Test
    void anAddressHasAtMostFiftyAliases() {
        node.createMailbox("many@" + DOMAIN);
        for (int i = 1; i <= 50; i++) {
            HttpResponse<String> created = addAlias("many@" + DOMAIN, "many" + i);
            assertEquals(201, created.statusCode(), created.body());
        }
        HttpResponse<String> refused = addAlias("many@" + DOMAIN, "many51");
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(QueueApi.json(refused).get("error").asText().contains("50"), refused.body());
        assertEquals(50, QueueApi.json(node.get("/api/v1/addresses/many@" + DOMAIN + "/aliases")).size());
    }

    @Test
    void anAliasDomainDeliversToThePrimaryDomainAndRefusesUnknownLocalParts() throws IOException {
        node.createMailbox("dana@" + DOMAIN);
        assertEquals(201, addAlias("dana@" + DOMAIN, "dee").statusCode());

        String id = sendTo("via alias domain", "dana@" + ALIAS_DOMAIN, "dee@" + ALIAS_DOMAIN);

        List<JsonNode> copies = mailboxes.awaitSubject("dana@" + DOMAIN, "via alias domain", 2);
        queue.awaitGone(id);
        assertEquals(2, mailboxes.messages("dana@" + DOMAIN).size());
        copies.forEach(copy -> assertEquals(id, copy.get("queueId").asText()));

        try (SmtpClient smtp = connect(node)) {
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:" + SENDER));
            assertEquals("550 5.1.1 <unknown@" + ALIAS_DOMAIN + ">: " + UNKNOWN,
                    smtp.command("RCPT TO:<unknown@" + ALIAS_DOMAIN + ">"));
        }
    }

    @Test
    void theCatchAllReceivesUnknownLocalPartsUntilCleared() throws IOException {
        String domain = "catch.example";
        node.createMailbox("all@" + domain);
        node.createMailbox("known@" + domain);
        assertEquals("550 5.1.1 <nobody@" + domain + ">: " + UNKNOWN, rcpt("nobody@" + domain));

        HttpResponse<String> set = node.patch("/api/v1/domains/" + domain, "{\"catchAll\":\"all\"}");
        assertEquals(200, set.statusCode(), set.body());
        assertEquals("all", QueueApi.json(set).get("catchAll").asText());

        String id = sendTo("caught", "nobody@" + domain, "known@" + domain);
        JsonNode caught = mailboxes.awaitMessage("all@" + domain, id);
        assertEquals("INBOX", caught.get("folder").asText());
        mailboxes.awaitMessage("known@" + domain, id);
        queue.awaitGone(id);
        assertEquals(1, mailboxes.messages("all@" + domain).size());
        assertEquals(1, mailboxes.messages("known@" + domain).size(), "a known address keeps its own mail");

        HttpResponse<String> cleared = node.patch("/api/v1/domains/" + domain, "{\"catchAll\":null}");
        assertEquals(200, cleared.statusCode(), cleared.body());
        assertTrue(QueueApi.json(cleared).get("catchAll").isNull(), cleared.body());
        assertEquals("550 5.1.1 <nobody@" + domain + ">: " + UNKNOWN, rcpt("nobody@" + domain));
    }

    /**
     * Issue 12, defect 19: one transaction to many made-up addresses stored a copy for each in the
     * catch-all's mailbox. Now one copy, and every recipient is still settled once, as delivered.
     */
    @Test
    void oneTransactionToManyCatchAllRecipientsStoresOneCopy() throws IOException {
        String domain = "amplified.example";
        node.createMailbox("sink@" + domain);
        node.createMailbox("own@" + domain);
        assertEquals(200, node.patch("/api/v1/domains/" + domain, "{\"catchAll\":\"sink\"}").statusCode());
        List<String> madeUp = IntStream.range(0, 60).mapToObj(i -> "made-up-" + i + "@" + domain).toList();
        List<String> recipients = new ArrayList<>(madeUp);
        recipients.add("own@" + domain);
        try (QueueLog log = new QueueLog()) {
            String id = sendTo("amplified", recipients.toArray(String[]::new));
            mailboxes.awaitMessage("sink@" + domain, id);
            mailboxes.awaitMessage("own@" + domain, id);
            queue.awaitGone(id);
            assertEquals(1, mailboxes.messages("sink@" + domain).size(), "one copy for the catch-all's 60 recipients");
            assertEquals(1, mailboxes.messages("own@" + domain).size());
            for (String recipient : recipients) {
                List<String> settled = log.lines(id).stream().filter(line -> line.contains(": to=<" + recipient + ">,"))
                        .toList();
                assertEquals(1, settled.size(), recipient + ": " + settled);
                assertTrue(settled.get(0).contains(", relay=local, ") && settled.get(0).contains(", status=sent ("),
                        settled.get(0));
            }
        }
    }

    @Test
    void aNoReplyAddressIsRefusedAtRcpt() throws IOException {
        HttpResponse<String> created = node.post("/api/v1/domains/" + DOMAIN + "/addresses",
                "{\"localPart\":\"no-reply\",\"password\":\"secret-password\",\"type\":\"no-reply\"}");
        assertEquals(201, created.statusCode(), created.body());
        assertEquals("no-reply", QueueApi.json(created).get("type").asText());

        String address = "no-reply@" + DOMAIN;
        assertEquals("550 5.1.1 <" + address + ">: Recipient address rejected: " + address + " does not receive mail",
                rcpt(address));
    }

    @Test
    void aDisabledAddressIsRefusedAtRcptAndAcceptsMailAgainOnceEnabled() throws IOException {
        String address = "eve@" + DOMAIN;
        node.createMailbox(address);
        HttpResponse<String> disabled = node.patch("/api/v1/addresses/" + address, "{\"disabled\":true}");
        assertEquals(200, disabled.statusCode(), disabled.body());
        assertTrue(QueueApi.json(disabled).get("disabled").asBoolean());

        assertEquals("550 5.1.1 <" + address + ">: Recipient address rejected: account disabled", rcpt(address));

        HttpResponse<String> enabled = node.patch("/api/v1/addresses/" + address, "{\"disabled\":false}");
        assertEquals(200, enabled.statusCode(), enabled.body());
        assertFalse(QueueApi.json(enabled).get("disabled").asBoolean());
        String id = sendTo("enabled again", address);
        mailboxes.awaitMessage(address, id);
    }

    @Test
    void aDomainInMaintenanceReceivesMailButItsMailboxesCannotBeRead() throws IOException {
        String domain = "maint.example";
        String address = "finn@" + domain;
        node.createMailbox(address);
        HttpResponse<String> on = node.patch("/api/v1/domains/" + domain, "{\"maintenance\":true}");
        assertEquals(200, on.statusCode(), on.body());
        assertTrue(QueueApi.json(on).get("maintenance").asBoolean());

        String id = sendTo("during maintenance", address);
        queue.awaitGone(id);

        HttpResponse<String> listing = node.get("/api/v1/mailboxes/" + address + "/messages");
        assertEquals(423, listing.statusCode(), listing.body());
        assertTrue(listing.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertTrue(QueueApi.json(listing).get("error").asText().contains("maintenance"), listing.body());
        assertEquals(423, node.get("/api/v1/mailboxes/" + address + "/messages/1/raw").statusCode());

        HttpResponse<String> off = node.patch("/api/v1/domains/" + domain, "{\"maintenance\":false}");
        assertEquals(200, off.statusCode(), off.body());
        JsonNode stored = mailboxes.awaitMessage(address, id);
        assertEquals("during maintenance", stored.get("subject").asText());
    }

    private static HttpResponse<String> addAlias(String address, String localPart) {
        return node.post("/api/v1/addresses/" + address + "/aliases", "{\"localPart\":\"" + localPart + "\"}");
    }

    /** Sends one message from {@value #SENDER} whose recipients are all accepted; returns its queue id. */
    static String sendTo(String subject, String... recipients) throws IOException {
        try (SmtpClient smtp = connect(node)) {
            return send(smtp, SENDER, message(subject), recipients);
        }
    }

    /** The reply to RCPT TO the recipient, in a transaction from {@value #SENDER}. */
    static String rcpt(String recipient) throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:" + SENDER));
            return smtp.command("RCPT TO:<" + recipient + ">");
        }
    }
}
