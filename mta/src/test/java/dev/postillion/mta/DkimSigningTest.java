package dev.postillion.mta;

import static dev.postillion.mta.SmtpProtocolTest.connect;
import static dev.postillion.mta.SmtpProtocolTest.send;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.postillion.auth.dkim.DkimResult;
import dev.postillion.auth.dkim.DkimSettings;
import dev.postillion.auth.dkim.DkimVerifier;
import dev.postillion.auth.dkim.Dkimpy;
import dev.postillion.mta.smtp.ListenerRole;
import dev.postillion.core.dns.DnsjavaNameService;
import dev.postillion.queue.testing.FakeMx.Transaction;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DKIM signing through a real node (SPEC section 5): keys made and shown by the admin API, mail
 * from a relay network client to a remote MX, the signatures it arrives with checked by our
 * verifier (key records from the test's DNS server) and by dkimpy (records as the API gave them).
 * The relay network is 127.0.0.1 alone: a client at {@value #OUTSIDE} is a stranger on port 25.
 */
class DkimSigningTest extends NodeInRemoteWorld {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ED25519_RECORD = Pattern.compile("v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=");
    private static final Pattern RSA_RECORD = Pattern.compile("v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"
            + "[A-Za-z0-9+/]{342}IDAQAB");
    private static final int TXT_STRING = 255;
    private static final String OUTSIDE = "127.0.0.3";

    @BeforeAll
    static void start() throws IOException {
        startWorld();
        startNode(Map.of("postillion.smtp.relay-networks", List.of("127.0.0.1/32")));
    }

    @Test
    void keysAreMadeOnceAndShownAsTheRecordsToPublish() {
        createDomain("keys.test");
        HttpResponse<String> created = node.post("/api/v1/domains/keys.test/dkim", "");
        assertEquals(201, created.statusCode(), created.body());
        assertEquals(recordsJson("keys.test", List.of("ed1", "rsa1"), values(created.body())), created.body());
        HttpResponse<String> shown = node.get("/api/v1/domains/keys.test/dkim");
        assertEquals(200, shown.statusCode());
        assertEquals(created.body(), shown.body());

        HttpResponse<String> again = node.post("/api/v1/domains/keys.test/dkim", "");
        assertEquals(409, again.statusCode());
        assertEquals("{\"error\":\"keys.test already has DKIM keys; POST with ?rotate=true to make new ones under new"
                + " selectors\"}", again.body());
        assertEquals(created.body(), node.get("/api/v1/domains/keys.test/dkim").body());
    }

    /**
     * Rotation in two steps: the new keys are pending, shown to be published, while the current
     * keys go on signing; activation makes them sign and drops the old ones.
     */
    @Test
    void rotatedKeysSignOnlyOnceActivated() throws Exception {
        createDomain("rotate.test");
        List<String> first = values(node.post("/api/v1/domains/rotate.test/dkim", "").body());
        HttpResponse<String> rotated = node.post("/api/v1/domains/rotate.test/dkim?rotate=true", "");
        assertEquals(201, rotated.statusCode(), rotated.body());
        List<String> second = values(JSON.readTree(rotated.body()).get("pending").toString());
        String current = recordsJson("rotate.test", List.of("ed1", "rsa1"), first);
        assertEquals(current.substring(0, current.length() - 1) + ",\"pending\":"
                + recordsJson("rotate.test", List.of("ed2", "rsa2"), second) + "}", rotated.body());
        assertTrue(!first.get(0).equals(second.get(0)) && !first.get(1).equals(second.get(1)));
        assertEquals(rotated.body(), node.get("/api/v1/domains/rotate.test/dkim").body());
        assertError(node.post("/api/v1/domains/rotate.test/dkim?rotate=true", ""), 409, "rotate.test already has"
                + " pending DKIM keys; publish their records and POST /api/v1/domains/rotate.test/dkim/activate before"
                + " rotating again");

        Transaction beforeActivation = sendFrom("anna@rotate.test", "before-activation@remote.test");
        assertEquals(List.of("ed1", "rsa1"), selectors(beforeActivation, "rotate.test"));

        HttpResponse<String> activated = node.post("/api/v1/domains/rotate.test/dkim/activate", "");
        assertEquals(200, activated.statusCode(), activated.body());
        assertEquals(recordsJson("rotate.test", List.of("ed2", "rsa2"), second), activated.body());
        assertEquals(activated.body(), node.get("/api/v1/domains/rotate.test/dkim").body());
        Transaction afterActivation = sendFrom("anna@rotate.test", "after-activation@remote.test");
        assertEquals(List.of("ed2", "rsa2"), selectors(afterActivation, "rotate.test"));
        assertError(node.post("/api/v1/domains/rotate.test/dkim/activate", ""), 409, "rotate.test has no pending DKIM"
                + " keys; POST /api/v1/domains/rotate.test/dkim?rotate=true makes them");
    }

    @Test
    void badRequestsAreNamed() {
        createDomain("plain.test");
        assertError(node.get("/api/v1/domains/plain.test/dkim"), 404,
                "no DKIM keys for plain.test; POST /api/v1/domains/plain.test/dkim generates them");
        assertError(node.get("/api/v1/domains/nowhere.test/dkim"), 404, "no domain nowhere.test");
        assertError(node.post("/api/v1/domains/nowhere.test/dkim", ""), 404, "no domain nowhere.test");
        assertError(node.post("/api/v1/domains/plain.test/dkim?rotate=yes", ""), 400,
                "parameter 'rotate' must be true or false, not 'yes'");
        assertError(node.post("/api/v1/domains/nowhere.test/dkim/activate", ""), 404, "no domain nowhere.test");
        assertError(node.post("/api/v1/domains/plain.test/dkim/activate", ""), 409,
                "plain.test has no pending DKIM keys; POST /api/v1/domains/plain.test/dkim?rotate=true makes them");
    }

    @Test
    void aDeletedDomainTakesItsKeysWithIt() {
        createDomain("gone.test");
        assertEquals(201, node.post("/api/v1/domains/gone.test/dkim", "").statusCode());
        assertEquals(204, node.delete("/api/v1/domains/gone.test").statusCode());
        createDomain("gone.test");
        assertEquals(404, node.get("/api/v1/domains/gone.test/dkim").statusCode());
    }

    @Test
    void mailLeavingTheNodeIsSignedWithBothKeys() throws Exception {
        createDomain("example.test");
        String records = node.post("/api/v1/domains/example.test/dkim", "").body();
        Transaction received = sendFrom("anna@example.test", "bob@remote.test");

        assertTrue(received.text().startsWith("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.test;"
                + "\r\n\ts=ed1; t="), received.text());
        assertEquals(2, received.text().split("\r\nDKIM-Signature: ", -1).length, "the second below the first");
        List<DkimResult> results = verify(received, "example.test");
        assertEquals(List.of("ed25519-sha256 example.test ed1 pass", "rsa-sha256 example.test rsa1 pass"),
                results.stream().map(DkimSigningTest::describe).toList());
        assertEquals(List.of("0 pass ed25519-sha256", "1 pass rsa-sha256"), Dkimpy.verify(received.content(), records));
    }

    /**
     * RFC 5321 section 4.5.3.1.6: lines over 998 octets leave broken, as Postfix breaks them (a CRLF
     * and a space), before signing, so that the signatures verify over what arrives; mail that is
     * not signed is broken too.
     */
    @Test
    void longLinesAreBrokenBeforeSigningSoTheSignaturesCoverWhatIsSent() throws Exception {
        createDomain("long.test");
        String records = node.post("/api/v1/domains/long.test/dkim", "").body();
        String longSubject = "Subject: " + "s".repeat(1500);
        String longBody = "<p>" + "h".repeat(2500) + "</p>";
        for (String from : List.of("anna@long.test", "anna@unsigned.test")) {
            String to = "long-" + from.replace('@', '.') + "@remote.test";
            try (SmtpClient smtp = connect(node)) {
                send(smtp, "<" + from + ">", "From: <" + from + ">\r\nTo: <" + to + ">\r\n" + longSubject
                        + "\r\n\r\n" + longBody + "\r\n", to);
            }
            Transaction received = awaitReceived(to);
            List<Integer> tooLong = received.text().lines().map(String::length).filter(length -> length > 998).toList();
            assertEquals(List.of(), tooLong, "lines over 998 octets");
            assertTrue(received.text().contains("\r\n" + longSubject.substring(0, 998) + "\r\n "
                    + longSubject.substring(998) + "\r\n"), "the header field folded, one field still");
            assertTrue(received.text().contains("\r\n\r\n" + longBody.substring(0, 998) + "\r\n "
                    + longBody.substring(998, 1995) + "\r\n "), received.text());
        }
        Transaction signed = awaitReceived("long-anna.long.test@remote.test");
        assertEquals(List.of("0 pass ed25519-sha256", "1 pass rsa-sha256"), Dkimpy.verify(signed.content(), records));
        assertEquals(List.of("ed25519-sha256 long.test ed1 pass", "rsa-sha256 long.test rsa1 pass"),
                verify(signed, "long.test").stream().map(DkimSigningTest::describe).toList());
    }

    /** Submission (SPEC section 5): a user's mail, through STARTTLS and AUTH, leaves signed. */
    @Test
    void mailSubmittedByAnAuthenticatedUserLeavesSigned() throws Exception {
        createDomain("submit.test");
        assertEquals(201, node.post("/api/v1/domains/submit.test/addresses",
                "{\"localPart\":\"fay\",\"password\":\"secret-password\"}").statusCode());
        String records = node.post("/api/v1/domains/submit.test/dkim", "").body();
        try (SmtpClient smtp = new SmtpClient(node.smtpPort(ListenerRole.SUBMISSION), OUTSIDE)) {
            smtp.reply();
            smtp.command("EHLO laptop.test");
            smtp.command("STARTTLS");
            smtp.startTls(TlsTrust.trusting(TlsTrust.generatedCertificate(dataDir)));
            smtp.command("EHLO laptop.test");
            String login = Base64.getEncoder().encodeToString("\0fay@submit.test\0secret-password"
                    .getBytes(StandardCharsets.UTF_8));
            assertEquals("235 2.7.0 Authentication successful", smtp.command("AUTH PLAIN " + login));
            send(smtp, "<fay@submit.test>", message("fay@submit.test", "gil@remote.test"), "gil@remote.test");
        }
        Transaction received = awaitReceived("gil@remote.test");
        assertEquals(List.of("ed25519-sha256 submit.test ed1 pass", "rsa-sha256 submit.test rsa1 pass"),
                verify(received, "submit.test").stream().map(DkimSigningTest::describe).toList());
        assertEquals(List.of("0 pass ed25519-sha256", "1 pass rsa-sha256"), Dkimpy.verify(received.content(), records));
    }

    /** An alias domain signs under its own name, so that DMARC finds it aligned, with its primary's keys. */
    @Test
    void anAliasDomainSignsWithItsPrimarysKeysUnderItsOwnName() throws Exception {
        createDomain("primary.test");
        HttpResponse<String> alias = node.post("/api/v1/domains/primary.test/aliases-domains", "{\"name\":\"alias.test\"}");
        assertEquals(201, alias.statusCode(), alias.body());
        List<String> values = values(node.post("/api/v1/domains/primary.test/dkim", "").body());
        HttpResponse<String> aliasRecords = node.get("/api/v1/domains/alias.test/dkim");
        assertEquals(recordsJson("alias.test", List.of("ed1", "rsa1"), values), aliasRecords.body());
        assertError(node.post("/api/v1/domains/alias.test/dkim", ""), 400,
                "alias.test is an alias domain of primary.test and signs with its keys; generate or rotate them there");
        assertError(node.post("/api/v1/domains/alias.test/dkim/activate", ""), 400,
                "alias.test is an alias domain of primary.test and signs with its keys; activate them there");

        Transaction received = sendFrom("anna@alias.test", "carol@remote.test");
        assertEquals(List.of("ed25519-sha256 alias.test ed1 pass", "rsa-sha256 alias.test rsa1 pass"),
                verify(received, "alias.test").stream().map(DkimSigningTest::describe).toList());
        assertEquals(List.of("0 pass ed25519-sha256", "1 pass rsa-sha256"),
                Dkimpy.verify(received.content(), aliasRecords.body()));
    }

    @Test
    void mailFromDomainsNotHostedHereOrWithoutKeysIsNotSigned() throws Exception {
        createDomain("unsigned.test");
        for (String from : List.of("dave@unsigned.test", "erin@sender.test")) {
            Transaction received = sendFrom(from, "unsigned-" + from.replace('@', '.') + "@remote.test");
            assertTrue(!received.text().contains("DKIM-Signature:"), received.text());
        }
    }

    /**
     * A stranger forges a hosted From to a hosted address that redirects to a remote one: the
     * domain publishes no DMARC policy, so the message is taken, but the forward leaves unsigned,
     * or the forgery would arrive with signatures that pass DMARC.
     */
    @Test
    void aForwardOfMailFromOutsideWithAHostedFromIsNotSigned() throws Exception {
        createDomain("forged.test");
        assertEquals(201, node.post("/api/v1/domains/forged.test/dkim", "").statusCode());
        node.createMailbox("anna@forged.test");
        HttpResponse<String> redirect = node.put("/api/v1/addresses/anna@forged.test/redirect",
                "{\"targets\":[\"victim@remote.test\"],\"keepCopy\":false}");
        assertEquals(200, redirect.statusCode(), redirect.body());

        try (SmtpClient smtp = outside()) {
            send(smtp, "<ceo@forged.test>", message("ceo@forged.test", "anna@forged.test"), "anna@forged.test");
        }
        Transaction forwarded = awaitReceived("victim@remote.test");
        assertTrue(forwarded.text().contains("\r\nFrom: Sender <ceo@forged.test>\r\n"), forwarded.text());
        assertFalse(forwarded.text().contains("DKIM-Signature:"), forwarded.text());
    }

    /** The node wrote the auto-reply, from a hosted address: it is signed like our users' mail. */
    @Test
    void anAutoReplyOfAHostedAddressIsSigned() throws Exception {
        createDomain("away.test");
        String records = node.post("/api/v1/domains/away.test/dkim", "").body();
        node.createMailbox("bea@away.test");
        HttpResponse<String> responder = node.post("/api/v1/addresses/bea@away.test/responders",
                "{\"name\":\"Away\",\"text\":\"Away.\"}");
        assertEquals(201, responder.statusCode(), responder.body());
        String id = JSON.readTree(responder.body()).get("id").asText();
        HttpResponse<String> activated = node.post("/api/v1/addresses/bea@away.test/responders/" + id + "/activate",
                "");
        assertEquals(200, activated.statusCode(), activated.body());

        try (SmtpClient smtp = outside()) {
            send(smtp, "<asker@remote.test>", message("asker@remote.test", "bea@away.test"), "bea@away.test");
        }
        Transaction reply = awaitReceived("asker@remote.test");
        assertTrue(reply.text().contains("\r\nAuto-Submitted: auto-replied\r\n"), reply.text());
        assertEquals(List.of("ed25519-sha256 away.test ed1 pass", "rsa-sha256 away.test rsa1 pass"),
                verify(reply, "away.test").stream().map(DkimSigningTest::describe).toList());
        assertEquals(List.of("0 pass ed25519-sha256", "1 pass rsa-sha256"), Dkimpy.verify(reply.content(), records));
    }

    private static void createDomain(String name) {
        HttpResponse<String> created = node.post("/api/v1/domains", "{\"name\":\"" + name + "\"}");
        assertEquals(201, created.statusCode(), created.body());
    }

    /** Relays a message from {@code from} to one remote recipient and returns it as the remote MX received it. */
    private static Transaction sendFrom(String from, String to) throws IOException {
        try (SmtpClient smtp = connect(node)) {
            send(smtp, "<" + from + ">", message(from, to), to);
        }
        return awaitReceived(to);
    }

    private static String message(String from, String to) {
        return "From: Sender <" + from + ">\r\nTo: " + to + "\r\nSubject: signed?\r\n"
                + "Date: Mon, 23 Nov 2026 10:00:00 +0000\r\nMessage-ID: <" + to + ">\r\n\r\nbody\r\n";
    }

    /** A client on port 25 from {@value #OUTSIDE}: not in the relay network, not authenticated. */
    private static SmtpClient outside() throws IOException {
        SmtpClient smtp = new SmtpClient(node.smtpPort(), OUTSIDE);
        assertEquals(SmtpProtocolTest.GREETING, smtp.reply());
        assertTrue(smtp.command("EHLO outside.test").startsWith("250-mx.test\n"));
        return smtp;
    }

    private static Transaction awaitReceived(String to) {
        await().atMost(Duration.ofSeconds(15)).until(() -> received(to) != null);
        return received(to);
    }

    private static Transaction received(String to) {
        return world.mx().transactions().stream()
                .filter(transaction -> transaction.recipients().stream().anyMatch(r -> r.address().equals(to)))
                .findFirst().orElse(null);
    }

    /** Our verifier, asking the test's DNS server, where the records the API gave are published. */
    private static List<DkimResult> verify(Transaction received, String domain) throws Exception {
        JsonNode records = JSON.readTree(node.get("/api/v1/domains/" + domain + "/dkim").body()).get("records");
        for (JsonNode record : records) {
            world.dns().txt(record.get("name").asText(), txtStrings(record.get("value").asText()));
        }
        DnsjavaNameService dns = world.dns().nameService(Duration.ofSeconds(5));
        DkimVerifier verifier = new DkimVerifier(dns, DkimSettings.DEFAULTS, Clock.systemUTC(),
                ForkJoinPool.commonPool());
        return verifier.verify(received.content()).toCompletableFuture().get(15, TimeUnit.SECONDS);
    }

    /** A TXT record's strings hold 255 octets at most (RFC 1035 section 3.3.14); a long key is split. */
    private static String[] txtStrings(String value) {
        List<String> strings = new ArrayList<>();
        for (int at = 0; at < value.length(); at += TXT_STRING) {
            strings.add(value.substring(at, Math.min(value.length(), at + TXT_STRING)));
        }
        return strings.toArray(String[]::new);
    }

    private static List<String> selectors(Transaction received, String domain) throws Exception {
        return verify(received, domain).stream().map(DkimResult::selector).toList();
    }

    private static String describe(DkimResult result) {
        return result.algorithm() + " " + result.domain() + " " + result.selector() + " " + result.status().keyword();
    }

    /** The two records' values, each of the right shape. */
    private static List<String> values(String body) {
        List<String> values = new ArrayList<>();
        try {
            JSON.readTree(body).get("records").forEach(record -> values.add(record.get("value").asText()));
        } catch (IOException e) {
            throw new AssertionError(body, e);
        }
        assertEquals(2, values.size(), body);
        assertTrue(ED25519_RECORD.matcher(values.get(0)).matches(), values.get(0));
        assertTrue(RSA_RECORD.matcher(values.get(1)).matches(), values.get(1));
        return values;
    }

    private static String recordsJson(String domain, List<String> selectors, List<String> values) {
        return "{\"records\":[{\"name\":\"" + selectors.get(0) + "._domainkey." + domain + "\",\"type\":\"TXT\",\"value\":\""
                + values.get(0) + "\"},{\"name\":\"" + selectors.get(1) + "._domainkey." + domain
                + "\",\"type\":\"TXT\",\"value\":\"" + values.get(1) + "\"}]}";
    }

    private static void assertError(HttpResponse<String> response, int status, String error) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("{\"error\":\"" + error + "\"}", response.body());
    }
}
