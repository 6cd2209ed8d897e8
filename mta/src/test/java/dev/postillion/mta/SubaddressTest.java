package dev.postillion.mta;

import static dev.postillion.mta.AliasesAndCatchAllTest.UNKNOWN;
import static dev.postillion.mta.AliasesAndCatchAllTest.rcpt;
import static dev.postillion.mta.AliasesAndCatchAllTest.sendTo;
import static dev.postillion.mta.SmtpProtocolTest.RECIPIENT_OK;
import static dev.postillion.mta.SmtpProtocolTest.connect;
import static dev.postillion.mta.SmtpProtocolTest.message;
import static dev.postillion.mta.SmtpProtocolTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Subaddressing over real SMTP (RFC 5233): {@code anna+news@} is taken at RCPT and delivered to
 * anna's mailbox as mail to {@code anna@} is, through aliases, alias domains, redirects and sender
 * lists; the catch-all takes a subaddress only when its user is unknown too. The envelope keeps
 * the recipient as given, as the queue log shows. Every test leaves the queue empty.
 */
class SubaddressTest extends NodeInRemoteWorld {

    static final String DOMAIN = "sub.example";
    private static final String ALIAS_DOMAIN = "sub-alias.example";

    @BeforeAll
    static void start() throws IOException {
        startWorld();
        startNode(Map.of());
        assertEquals(201, node.post("/api/v1/domains", "{\"name\":\"" + DOMAIN + "\"}").statusCode());
        assertEquals(201, node.post("/api/v1/domains/" + DOMAIN + "/aliases-domains",
                "{\"name\":\"" + ALIAS_DOMAIN + "\"}").statusCode());
    }

    @AfterEach
    void queueEmpty() {
        queue.awaitEmpty();
    }

    @Test
    void aSubaddressIsDeliveredOnceToTheAddresssInboxAndTheEnvelopeKeepsTheDetail() throws IOException {
        String anna = "anna@" + DOMAIN;
        node.createMailbox(anna);
        assertEquals(RECIPIENT_OK, rcpt("anna+news@" + DOMAIN));

        try (QueueLog log = new QueueLog()) {
            String id = sendTo("newsletter", "anna+news@" + DOMAIN);

            JsonNode stored = mailboxes.awaitMessage(anna, id);
            assertEquals("INBOX", stored.get("folder").asText());
            assertEquals("newsletter", stored.get("subject").asText());
            assertTrue(mailboxes.raw(anna, stored).contains("\r\nDelivered-To: " + anna + "\r\n"));
            queue.awaitGone(id);
            assertEquals(1, mailboxes.messages(anna).size());
            List<String> settled = log.lines(id).stream()
                    .filter(line -> line.contains(": to=<anna+news@" + DOMAIN + ">, relay=local, ")).toList();
            assertEquals(1, settled.size(), log.lines(id).toString());
            assertTrue(settled.get(0).contains(", status=sent ("), settled.get(0));
        }
    }

    /**
     * RFC 5233 section 4: the local part is split at the first separator, so the detail may hold
     * another, and the detail may be empty; with no user before the separator it is no subaddress.
     * Each envelope recipient is a delivery of its own (a later Sieve :detail may file them apart).
     */
    @Test
    void theDetailMayBeEmptyOrHoldTheSeparatorButTheUserMayNot() throws IOException {
        String bert = "bert@" + DOMAIN;
        node.createMailbox(bert);
        assertEquals(RECIPIENT_OK, rcpt("bert+@" + DOMAIN));
        assertEquals(RECIPIENT_OK, rcpt("Bert+Shop+2024@" + DOMAIN.toUpperCase()));
        assertEquals("550 5.1.1 <+bert@" + DOMAIN + ">: " + UNKNOWN, rcpt("+bert@" + DOMAIN));
        assertEquals("550 5.1.1 <bertie+x@" + DOMAIN + ">: " + UNKNOWN, rcpt("bertie+x@" + DOMAIN));

        String id = sendTo("details", "bert+@" + DOMAIN, "Bert+Shop+2024@" + DOMAIN, bert);

        List<JsonNode> copies = mailboxes.awaitSubject(bert, "details", 3);
        queue.awaitGone(id);
        assertEquals(3, mailboxes.messages(bert).size(), "one copy per envelope recipient, as for aliases");
        copies.forEach(copy -> assertEquals("INBOX", copy.get("folder").asText()));
    }

    @Test
    void anAliasOrAnAliasDomainWithADetailReachesItsAddress() throws IOException {
        String cleo = "cleo@" + DOMAIN;
        node.createMailbox(cleo);
        HttpResponse<String> alias = node.post("/api/v1/addresses/" + cleo + "/aliases",
                "{\"localPart\":\"info\"}");
        assertEquals(201, alias.statusCode(), alias.body());

        String id = sendTo("alias detail", "info+orders@" + DOMAIN, "cleo+x@" + ALIAS_DOMAIN);

        List<JsonNode> copies = mailboxes.awaitSubject(cleo, "alias detail", 2);
        queue.awaitGone(id);
        assertEquals(2, mailboxes.messages(cleo).size());
        copies.forEach(copy -> assertEquals(id, copy.get("queueId").asText()));
    }

    @Test
    void theCatchAllTakesASubaddressOnlyWhenItsUserIsUnknown() throws IOException {
        String domain = "sub-catch.example";
        node.createMailbox("all@" + domain);
        node.createMailbox("dora@" + domain);
        assertEquals("550 5.1.1 <nobody+x@" + domain + ">: " + UNKNOWN, rcpt("nobody+x@" + domain));
        assertEquals(200, node.patch("/api/v1/domains/" + domain, "{\"catchAll\":\"all\"}").statusCode());

        String id = sendTo("caught or not", "nobody+x@" + domain, "dora+y@" + domain);

        mailboxes.awaitMessage("all@" + domain, id);
        mailboxes.awaitMessage("dora@" + domain, id);
        queue.awaitGone(id);
        assertEquals(1, mailboxes.messages("all@" + domain).size());
        assertEquals(1, mailboxes.messages("dora@" + domain).size(), "a known user keeps its subaddresses' mail");
    }

    @Test
    void theAddresssRedirectAndSenderListsApplyToItsSubaddresses() throws IOException {
        String emil = "emil@" + DOMAIN;
        String frida = "frida@" + DOMAIN;
        node.createMailbox(emil);
        node.createMailbox(frida);
        HttpResponse<String> redirect = node.put("/api/v1/addresses/" + emil + "/redirect",
                "{\"targets\":[\"" + frida + "\"],\"keepCopy\":false}");
        assertEquals(200, redirect.statusCode(), redirect.body());
        HttpResponse<String> lists = node.put("/api/v1/addresses/" + frida + "/lists",
                "{\"allow\":[],\"block\":[\"sender@sender.test\"],\"blocked\":\"reject\"}");
        assertEquals(200, lists.statusCode(), lists.body());

        assertEquals("550 5.7.1 <frida+x@" + DOMAIN + ">: Recipient address rejected: the recipient does not"
                + " accept mail from <sender@sender.test>", rcpt("frida+x@" + DOMAIN));
        try (SmtpClient smtp = connect(node)) {
            String id = send(smtp, "<someone@sender.test>", message("redirected detail"), "emil+x@" + DOMAIN);
            JsonNode forwarded = mailboxes.awaitSubject(frida, "redirected detail", 1).get(0);
            assertTrue(mailboxes.raw(frida, forwarded).contains("\r\nDelivered-To: " + emil + "\r\n"));
            queue.awaitGone(id);
        }
        assertEquals(0, mailboxes.messages(emil).size(), "redirected without a copy");
    }

    @Test
    void aRedirectToTheAddresssOwnSubaddressIsRefusedAsALoop() {
        String gus = "gus@" + DOMAIN;
        node.createMailbox(gus);
        HttpResponse<String> refused = node.put("/api/v1/addresses/" + gus + "/redirect",
                "{\"targets\":[\"gus+loop@" + DOMAIN + "\"],\"keepCopy\":true}");
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals("redirect target gus+loop@" + DOMAIN + " leads back to the address itself (through a subaddress)",
                QueueApi.json(refused).get("error").asText());
    }
}
