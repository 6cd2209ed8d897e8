package dev.postillion.mta;

import static dev.postillion.mta.SmtpProtocolTest.connect;
import static dev.postillion.mta.SmtpProtocolTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postillion.core.testing.TestDnsServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPF, DKIM and DMARC of inbound mail over real SMTP, with the sender domains' records served by
 * an in-process DNS server: each message stored carries our Authentication-Results field (RFC 8601)
 * and none forged in our name; DMARC p=reject refuses, p=quarantine files as spam.
 */
class InboundAuthenticationTest {

    private static final String ANNA = "anna@auth.example";
    private static final Pattern OUR_RESULTS = Pattern.compile(
            "Authentication-Results: mx\\.test;\r\n((?:\t[^\r]*\r\n)+)");

    @TempDir static Path dataDir;
    static TestDnsServer dns;
    static TestNode node;
    static MailboxReader mailboxes;

    @BeforeAll
    static void start() throws IOException {
        dns = TestDnsServer.start();
        dns.txt("spf-pass.example", "v=spf1 ip4:127.0.0.0/8 -all")
                .txt("_dmarc.spf-pass.example", "v=DMARC1; p=reject")
                .txt("spf-fail.example", "v=spf1 ip4:192.0.2.0/24 -all")
                .txt("reject.example", "v=spf1 ip4:192.0.2.0/24 -all")
                .txt("_dmarc.reject.example", "v=DMARC1; p=reject")
                .txt("quarantine.example", "v=spf1 ip4:192.0.2.0/24 -all")
                .txt("_dmarc.quarantine.example", "v=DMARC1; p=quarantine");
        dns.txt("_dmarc.bank.example", "v=DMARC1; p=reject");
        dns.txt("_dmarc.dns-trouble.example", "v=DMARC1; p=reject").servfail("sel._domainkey.dns-trouble.example");
        node = TestNode.start(dataDir, Map.of(
                "postillion.dns.servers", List.of(dns.address()),
                "postillion.spf.enabled", true,
                "postillion.dkim.enabled", true,
                "postillion.dmarc.enabled", true), Clock.systemUTC());
        node.createMailbox(ANNA);
        mailboxes = new MailboxReader(node);
    }

    @AfterAll
    static void stop() {
        node.close();
        dns.close();
    }

    @Test
    void anAuthorisedClientGetsSpfPassAndAnUnsignedMessageDkimNone() throws IOException {
        assertEquals("\tspf=pass (domain of bob@spf-pass.example designates 127.0.0.1 as permitted sender"
                        + " \\(spf-pass.example: ip4:127.0.0.0/8\\)) smtp.mailfrom=bob@spf-pass.example;\r\n"
                        + "\tdkim=none;\r\n\tdmarc=none (no usable From address)\r\n",
                resultsOf(deliver("bob@spf-pass.example", "Subject: pass\r\n\r\nhi\r\n")));
    }

    @Test
    void theChecksAndTheirDnsQuestionsAreCountedInTheMetrics() throws IOException {
        PrometheusText before = PrometheusText.of(node);
        deliver("bob@spf-fail.example", "Subject: counted\r\n\r\nhi\r\n");
        PrometheusText after = PrometheusText.of(node);
        for (Map<String, String> check : List.of(Map.of("method", "spf", "result", "fail"),
                Map.of("method", "dkim", "result", "none"), Map.of("method", "dmarc", "result", "none"))) {
            assertEquals(1.0, after.valueOrZero("postillion_auth_checks_total", check)
                    - before.valueOrZero("postillion_auth_checks_total", check), check.toString());
        }
        Map<String, String> txtRecords = Map.of("type", "TXT", "result", "records");
        assertTrue(after.valueOrZero("postillion_dns_lookups_total", txtRecords)
                > before.valueOrZero("postillion_dns_lookups_total", txtRecords), "the SPF record was asked for");
    }

    @Test
    void anUnauthorisedClientGetsSpfFailAndADomainWithoutRecordNone() throws IOException {
        assertTrue(resultsOf(deliver("bob@spf-fail.example", "Subject: fail\r\n\r\nhi\r\n"))
                .startsWith("\tspf=fail ("), "spf=fail");
        assertTrue(resultsOf(deliver("bob@no-spf.example", "Subject: none\r\n\r\nhi\r\n"))
                .startsWith("\tspf=none ("), "spf=none");
    }

    @Test
    void aNonAsciiSenderOfAnSmtputf8MessageIsRecordedInUtf8() throws IOException {
        String id;
        try (SmtpClient smtp = connect(node)) {
            id = send(smtp, "<j\u00f6rg@spf-pass.example> SMTPUTF8", "Subject: utf8\r\n\r\nhi\r\n", ANNA);
        }
        String results = resultsOf(mailboxes.raw(ANNA, mailboxes.awaitMessage(ANNA, id)));
        assertTrue(results.contains(" smtp.mailfrom=\"j\u00f6rg@spf-pass.example\";\r\n"), results);
    }

    @Test
    void resultsForgedInOurNameAreRemovedOthersKept() throws IOException {
        String stored = deliver("bob@spf-pass.example", "Authentication-Results: mx.test; spf=pass dkim=pass\r\n"
                + "Authentication-Results: elsewhere.example; spf=fail\r\nSubject: forged\r\n\r\nhi\r\n");
        Matcher ours = OUR_RESULTS.matcher(stored);
        assertTrue(ours.find());
        assertFalse(ours.find(), "only our own field names mx.test:\n" + stored);
        assertTrue(stored.contains("Authentication-Results: elsewhere.example; spf=fail\r\n"), stored);
    }

    @Test
    void dmarcPassOfAnAlignedSenderIsRecordedAndTheMessageFiledInTheInbox() throws IOException {
        String id;
        try (SmtpClient smtp = connect(node)) {
            id = send(smtp, "<bob@spf-pass.example>", "From: Bob <bob@spf-pass.example>\r\nSubject: aligned\r\n\r\nhi\r\n",
                    ANNA);
        }
        JsonNode stored = mailboxes.awaitMessage(ANNA, id);
        assertEquals("INBOX", stored.get("folder").asText());
        String results = resultsOf(mailboxes.raw(ANNA, stored));
        assertTrue(results.endsWith(";\r\n\tdmarc=pass (aligned SPF pass, smtp.mailfrom=spf-pass.example)"
                + " header.from=spf-pass.example\r\n"), results);
    }

    @Test
    void dmarcRejectIsRefusedAfterData() throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertEquals("550 5.7.1 Message from reject.example rejected by DMARC policy",
                    SmtpProtocolTest.transaction(smtp, "<bob@reject.example>",
                            "From: bob@reject.example\r\nSubject: forged\r\n\r\nhi\r\n", ANNA));
        }
    }

    @Test
    void aDkimKeyDnsDoesNotAnswerDefersARejectDomainsMessageInsteadOfRefusingIt() throws IOException {
        String signature = "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=dns-trouble.example; s=sel;\r\n"
                + "\th=From:Subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAAAAAA\r\n";
        try (SmtpClient smtp = connect(node)) {
            assertEquals("451 4.7.5 Message from dns-trouble.example cannot be checked against its DMARC policy now,"
                            + " try again later",
                    SmtpProtocolTest.transaction(smtp, "<bob@dns-trouble.example>",
                            signature + "From: bob@dns-trouble.example\r\nSubject: signed\r\n\r\nhi\r\n", ANNA));
        }
    }

    @Test
    void aSecondFromAddressCannotCarryAForgedRejectDomainThrough() throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertEquals("550 5.7.1 Message from bank.example rejected by DMARC policy",
                    SmtpProtocolTest.transaction(smtp, "<bob@spf-pass.example>",
                            "From: bob@spf-pass.example, ceo@bank.example\r\nSubject: two\r\n\r\nhi\r\n", ANNA));
        }
    }

    @Test
    void dmarcQuarantineIsFiledAsSpamUnlessTheSenderIsAllowListed() throws IOException {
        String content = "From: bob@quarantine.example\r\nSubject: doubtful\r\n\r\nhi\r\n";
        String carl = "carl@auth.example";
        node.createMailbox(carl);
        assertEquals(200, node.put("/api/v1/addresses/" + carl + "/lists",
                "{\"allow\":[\"bob@quarantine.example\"],\"block\":[],\"blocked\":\"spam\"}").statusCode());
        String id;
        try (SmtpClient smtp = connect(node)) {
            id = send(smtp, "<bob@quarantine.example>", content, ANNA, carl);
        }
        JsonNode quarantined = mailboxes.awaitMessage(ANNA, id);
        assertEquals("Junk", quarantined.get("folder").asText());
        assertTrue(mailboxes.raw(ANNA, quarantined).contains("\tdmarc=fail (p=quarantine dis=quarantine)"
                + " header.from=quarantine.example\r\n"));
        assertEquals("INBOX", mailboxes.awaitMessage(carl, id).get("folder").asText());
    }

    /** The stored message of one delivery to Anna. */
    private static String deliver(String sender, String content) throws IOException {
        try (SmtpClient smtp = connect(node)) {
            String id = send(smtp, "<" + sender + ">", content, ANNA);
            return mailboxes.raw(ANNA, mailboxes.awaitMessage(ANNA, id));
        }
    }

    /** The results lines of our Authentication-Results field, each with its tab and CRLF. */
    private static String resultsOf(String stored) {
        Matcher ours = OUR_RESULTS.matcher(stored);
        assertTrue(ours.find(), stored);
        return ours.group(1);
    }
}
