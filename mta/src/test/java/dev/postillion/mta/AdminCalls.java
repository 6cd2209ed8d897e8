package dev.postillion.mta;

import static dev.postillion.mta.SmtpProtocolTest.SENDER_OK;
import static dev.postillion.mta.SmtpProtocolTest.connect;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test node for one test class of the admin routes, with the calls and assertions those tests
 * share: registered as an extension, it starts the node (in a directory of its own) before the
 * class's first test and closes it after the last.
 */
final class AdminCalls implements BeforeAllCallback, AfterAllCallback {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String PASSWORD = "secret-password";

    private final String domainPrefix;
    private final AtomicInteger domains = new AtomicInteger();
    private Path dataDir;
    private TestNode node;

    /** @param domainPrefix starts the name of each domain {@link #newDomain()} creates */
    AdminCalls(String domainPrefix) {
        this.domainPrefix = domainPrefix;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dataDir = Files.createTempDirectory("postillion-" + domainPrefix);
        node = TestNode.start(dataDir);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        node.close();
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    TestNode node() {
        return node;
    }

    /** A domain of the calling test's own. */
    String newDomain() {
        String domain = domainPrefix + domains.incrementAndGet() + ".test";
        HttpResponse<String> created = node.post("/api/v1/domains", "{\"name\":\"" + domain + "\"}");
        assertEquals(201, created.statusCode(), created.body());
        return domain;
    }

    String newAddress(String domain, String localPart) {
        HttpResponse<String> created = node.post(addresses(domain),
                "{\"localPart\":\"" + localPart + "\",\"password\":\"" + PASSWORD + "\"}");
        assertEquals(201, created.statusCode(), created.body());
        return localPart + "@" + domain;
    }

    static String addresses(String domain) {
        return "/api/v1/domains/" + domain + "/addresses";
    }

    static String address(String address) {
        return "/api/v1/addresses/" + address;
    }

    JsonNode patched(String address, String json) {
        HttpResponse<String> response = node.patch(address(address), json);
        assertEquals(200, response.statusCode(), response.body());
        return json(response);
    }

    HttpResponse<String> post(String path) {
        return node.send(node.request(path).POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** POSTs a responder named Away with the text Away. and these extra fields. */
    HttpResponse<String> responder(String path, String fields) {
        return node.post(path, "{\"name\":\"Away\",\"text\":\"Away.\"," + fields + "}");
    }

    /** The reply to RCPT TO this address, in a new transaction. */
    String rcpt(String address) throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<someone@sender.test>"));
            return smtp.command("RCPT TO:<" + address + ">");
        }
    }

    /** The status, and a JSON body that is exactly {@code {"error": message}}. */
    static void assertError(int status, String message, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""), response.body());
        assertEquals(JSON.createObjectNode().put("error", message), json(response));
    }

    /** The message of a body that is exactly {@code {"error": message}}. */
    static String error(HttpResponse<String> response) {
        assertEquals(List.of("error"), fieldNames(json(response)), response.body());
        return json(response).get("error").asText();
    }

    static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static JsonNode object(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError(json, e);
        }
    }

    static JsonNode json(HttpResponse<String> response) {
        return QueueApi.json(response);
    }
}
