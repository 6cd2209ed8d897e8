package dev.postillion.mta;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin API of a real node, over HTTP; each test works in domains of its own. */
class AdminApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger DOMAINS = new AtomicInteger();

    @TempDir static Path dataDir;
    private static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start(dataDir);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    // --- health and authentication ---

    @Test
    void healthNeedsNoToken() {
        HttpResponse<String> response = node.send(unauthenticated("/health"));
        assertEquals(200, response.statusCode());
        assertEquals("accepting", json(response).get("status").asText());
    }

    @Test
    void missingTokenIs401WithJsonError() {
        HttpResponse<String> response = node.send(unauthenticated("/api/v1/domains"));
        assertError(401, "Authorization", response);
        assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
    }

    @Test
    void wrongTokenIs401WithJsonError() {
        HttpResponse<String> response = node.send(unauthenticated("/api/v1/domains")
                .header("Authorization", "Bearer not-" + TestNode.TOKEN));
        assertError(401, "invalid bearer token", response);
    }

    @Test
    void tokenWithoutBearerSchemeIs401() {
        assertEquals(401, node.send(unauthenticated("/api/v1/domains").header("Authorization", TestNode.TOKEN))
                .statusCode());
    }

    // --- domains ---

    @Test
    void domainIsCreatedListedAndDeleted() {
        String domain = newDomainName();
        HttpResponse<String> created = node.post("/api/v1/domains", "{\"name\":\"" + domain + "\"}");
        assertEquals(201, created.statusCode(), created.body());
        assertEquals(domain, json(created).get("name").asText());
        assertTrue(json(created).hasNonNull("createdAt"));

        HttpResponse<String> listed = node.get("/api/v1/domains");
        assertEquals(200, listed.statusCode());
        assertTrue(texts(json(listed), "name").contains(domain), listed.body());

        assertEquals(204, node.delete("/api/v1/domains/" + domain).statusCode());
        assertFalse(texts(json(node.get("/api/v1/domains")), "name").contains(domain));
    }

    @Test
    void duplicateDomainIs409() {
        String domain = createDomain();
        assertError(409, "exists already", node.post("/api/v1/domains", "{\"name\":\"" + domain.toUpperCase() + "\"}"));
    }

    @Test
    void deletingAnUnknownDomainIs404() {
        assertError(404, "no domain", node.delete("/api/v1/domains/" + newDomainName()));
    }

    @Test
    void deletingADomainWithAddressesIs409() {
        String domain = createDomain();
        createAddress(domain, "anna");
        assertError(409, "delete them first", node.delete("/api/v1/domains/" + domain));
    }

    @Test
    void invalidJsonIs400() {
        assertError(400, "not valid JSON", node.post("/api/v1/domains", "{\"name\":"));
    }

    @Test
    void bodyThatIsNotAnObjectIs400() {
        assertError(400, "must be a JSON object", node.post("/api/v1/domains", "[\"example.test\"]"));
    }

    @Test
    void missingFieldIs400NamingIt() {
        HttpResponse<String> response = node.post("/api/v1/domains", "{}");
        assertEquals(400, response.statusCode(), response.body());
        assertEquals("{\"error\":\"field 'name' is required\"}", response.body());
    }

    @Test
    void unknownFieldIs400NamingIt() {
        String domain = newDomainName();
        HttpResponse<String> response = node.post("/api/v1/domains", "{\"name\":\"" + domain + "\",\"alias\":true}");
        assertEquals(400, response.statusCode(), response.body());
        assertEquals("{\"error\":\"unknown field 'alias'; expected name, service\"}", response.body());
        assertError(404, "no domain " + domain, node.get("/api/v1/domains/" + domain));
    }

    @Test
    void fieldOfTheWrongTypeIs400NamingIt() {
        assertError(400, "'name' must be a string", node.post("/api/v1/domains", "{\"name\":42}"));
    }

    @Test
    void badDomainNameIs400NamingIt() {
        assertError(400, "'bad_name.test'", node.post("/api/v1/domains", "{\"name\":\"bad_name.test\"}"));
        assertError(400, "fully qualified", node.post("/api/v1/domains", "{\"name\":\"localhost\"}"));
    }

    // --- addresses ---

    @Test
    void addressIsCreatedListedAndDeleted() {
        String domain = createDomain();
        HttpResponse<String> created = node.post(addresses(domain),
                "{\"localPart\":\"Anna.Alpha\",\"password\":\"secret-password\"}");
        assertEquals(201, created.statusCode(), created.body());
        assertEquals("Anna.Alpha@" + domain, json(created).get("address").asText());
        assertFalse(created.body().contains("secret-password"));

        HttpResponse<String> listed = node.get(addresses(domain));
        assertEquals(200, listed.statusCode());
        assertEquals(List.of("Anna.Alpha"), texts(json(listed), "localPart"));

        assertEquals(204, node.delete(addresses(domain) + "/anna.alpha").statusCode());
        assertEquals(List.of(), texts(json(node.get(addresses(domain))), "localPart"));
    }

    @Test
    void duplicateAddressIs409() {
        String domain = createDomain();
        createAddress(domain, "anna");
        assertError(409, "exists already", node.post(addresses(domain), address("ANNA", "secret-password")));
    }

    @Test
    void doubledDotInLocalPartIs400() {
        assertError(400, "two dots in a row",
                node.post(addresses(createDomain()), address("anna..alpha", "secret-password")));
    }

    @Test
    void spaceInLocalPartIs400NamingIt() {
        assertError(400, "' ' (space)", node.post(addresses(createDomain()), address("a b", "secret-password")));
    }

    @Test
    void missingPasswordIs400NamingIt() {
        assertError(400, "'password' is required", node.post(addresses(createDomain()), "{\"localPart\":\"anna\"}"));
    }

    @Test
    void shortPasswordIs400() {
        assertError(400, "password must be at least", node.post(addresses(createDomain()), address("anna", "short")));
    }

    @Test
    void addressesOfAnUnknownDomainAre404() {
        String domain = newDomainName();
        assertError(404, "no domain " + domain, node.get(addresses(domain)));
        assertError(404, "no domain " + domain, node.post(addresses(domain), address("anna", "secret-password")));
    }

    @Test
    void deletingAnUnknownAddressIs404() {
        String domain = createDomain();
        assertError(404, "no address nobody@" + domain, node.delete(addresses(domain) + "/nobody"));
    }

    // --- mailboxes ---

    @Test
    void deliveredMessageIsListedAndReadRaw() throws IOException {
        String domain = createDomain();
        createAddress(domain, "anna");
        String queueId = sendMessage("anna@" + domain, "Hello Anna");

        JsonNode message = awaitMessages("anna@" + domain, 1).get(0);
        assertEquals(1, message.get("uid").asLong());
        assertEquals("Hello Anna", message.get("subject").asText());
        assertEquals("<bob@example.org>", message.get("returnPath").asText());
        assertEquals(queueId, message.get("queueId").asText());

        HttpResponse<byte[]> raw = node.getBytes(messages("anna@" + domain) + "/1/raw");
        assertEquals(200, raw.statusCode());
        assertEquals("message/rfc822", raw.headers().firstValue("Content-Type").orElse(""));
        String content = new String(raw.body(), StandardCharsets.UTF_8);
        assertTrue(content.startsWith("Return-Path: <bob@example.org>\r\nDelivered-To: anna@" + domain + "\r\n"),
                content);
        assertTrue(content.contains("Subject: Hello Anna\r\n"), content);
    }

    @Test
    void mailboxIsFoundWhateverTheCase() throws IOException {
        String domain = createDomain();
        createAddress(domain, "anna");
        sendMessage("anna@" + domain, "case");
        awaitMessages("ANNA@" + domain.toUpperCase(), 1);
    }

    @Test
    void listingPagesThroughAFolderAfterAUid() throws IOException {
        String domain = createDomain();
        createAddress(domain, "anna");
        sendMessage("anna@" + domain, "first");
        sendMessage("anna@" + domain, "second");
        awaitMessages("anna@" + domain, 2);
        HttpResponse<String> page = node.get(messages("anna@" + domain) + "?folder=INBOX&after=1&limit=1");
        assertEquals(List.of("second"), texts(json(page), "subject"));
        assertError(400, "'after' pages through one folder: give 'folder' too",
                node.get(messages("anna@" + domain) + "?after=1"));
    }

    @Test
    void badListingParameterIs400NamingIt() {
        String domain = createDomain();
        createAddress(domain, "anna");
        assertError(400, "'limit'", node.get(messages("anna@" + domain) + "?limit=ten"));
        assertError(400, "'after'", node.get(messages("anna@" + domain) + "?after=-1"));
    }

    @Test
    void unknownMailboxIs404() {
        String domain = createDomain();
        assertError(404, "no mailbox", node.get(messages("nobody@" + domain)));
        assertError(404, "no mailbox", node.get(messages("anna@" + newDomainName())));
    }

    @Test
    void mailboxThatIsNotAnAddressIs400() {
        assertError(400, "is not an address", node.get(messages("not-an-address")));
    }

    @Test
    void unknownUidIs404() {
        String domain = createDomain();
        createAddress(domain, "anna");
        assertError(404, "no message with uid 7", node.get(messages("anna@" + domain) + "/7/raw"));
    }

    @Test
    void deletingAnAddressPurgesItsMailbox() throws IOException {
        String domain = createDomain();
        createAddress(domain, "anna");
        sendMessage("anna@" + domain, "to be purged");
        awaitMessages("anna@" + domain, 1);

        assertEquals(204, node.delete(addresses(domain) + "/anna").statusCode());
        assertError(404, "no mailbox", node.get(messages("anna@" + domain)));
        createAddress(domain, "anna");
        assertEquals(List.of(), texts(json(node.get(messages("anna@" + domain))), "subject"));
        assertError(404, "no message with uid 1", node.get(messages("anna@" + domain) + "/1/raw"));
    }

    // --- errors from the routing itself ---

    @Test
    void unknownPathIs404WithJsonError() {
        HttpResponse<String> response = node.get("/api/v1/nothing-here");
        assertEquals(404, response.statusCode());
        assertTrue(json(response).hasNonNull("error"), response.body());
    }

    @Test
    void wrongMethodIs405WithJsonError() {
        HttpResponse<String> response = node.send(node.request("/api/v1/domains")
                .PUT(HttpRequest.BodyPublishers.noBody()));
        assertEquals(405, response.statusCode());
        assertTrue(json(response).hasNonNull("error"), response.body());
    }

    // --- helpers ---

    private static String newDomainName() {
        return "d" + DOMAINS.incrementAndGet() + ".admin.test";
    }

    private static String createDomain() {
        String domain = newDomainName();
        HttpResponse<String> created = node.post("/api/v1/domains", "{\"name\":\"" + domain + "\"}");
        assertEquals(201, created.statusCode(), created.body());
        return domain;
    }

    private static void createAddress(String domain, String localPart) {
        HttpResponse<String> created = node.post(addresses(domain), address(localPart, "secret-password"));
        assertEquals(201, created.statusCode(), created.body());
    }

    private static String addresses(String domain) {
        return "/api/v1/domains/" + domain + "/addresses";
    }

    private static String messages(String address) {
        return "/api/v1/mailboxes/" + address + "/messages";
    }

    private static String address(String localPart, String password) {
        return "{\"localPart\":\"" + localPart + "\",\"password\":\"" + password + "\"}";
    }

    /** Sends one message over SMTP and returns its queue id. */
    private static String sendMessage(String recipient, String subject) throws IOException {
        try (SmtpClient smtp = new SmtpClient(node.smtpPort())) {
            assertTrue(smtp.reply().startsWith("220 "));
            assertTrue(smtp.command("EHLO client.example.org").startsWith("250"));
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<bob@example.org>"));
            assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + recipient + ">"));
            assertTrue(smtp.command("DATA").startsWith("354"));
            String queued = smtp.command("From: bob@example.org\r\nTo: " + recipient + "\r\nSubject: " + subject
                    + "\r\n\r\nHello.\r\n.");
            String prefix = "250 2.0.0 Ok: queued as ";
            assertTrue(queued.startsWith(prefix), queued);
            smtp.command("QUIT");
            return queued.substring(prefix.length());
        }
    }

    private static List<JsonNode> awaitMessages(String address, int count) {
        List<JsonNode> messages = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> listed = node.get(messages(address));
            assertEquals(200, listed.statusCode(), listed.body());
            messages.clear();
            json(listed).forEach(messages::add);
            assertEquals(count, messages.size());
        });
        return messages;
    }

    private static HttpRequest.Builder unauthenticated(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.node().adminPort() + path)).GET();
    }

    static void assertError(int status, String expected, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        String error = json(response).path("error").asText();
        assertTrue(error.contains(expected), () -> "error '" + error + "' should contain " + expected);
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> values = new ArrayList<>();
        array.forEach(element -> values.add(element.get(field).asText()));
        return values;
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }
}
