package dev.postillion.mta;

import static dev.postillion.mta.SmtpProtocolTest.connect;
import static dev.postillion.mta.SmtpProtocolTest.message;
import static dev.postillion.mta.SmtpProtocolTest.send;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.postillion.admin.ApiDocument;
import dev.postillion.admin.ApiDocument.Operation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin API answers as its description (issue 16) says, on a running node: every operation
 * is called with its example body, on objects made first (a domain, an address, a responder, a
 * delivered and then expunged message, deferred messages, a greylisting triplet), and answers
 * the status the description gives for it, with a body valid under the schema it gives for that
 * status; a documented error of each family of routes too. The description is the one the node
 * serves, without the token, as is Swagger UI over it.
 */
class OpenApiConformanceTest extends NodeInRemoteWorld {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DOMAIN = "example.test";
    private static final String ANNA = "anna@example.test";
    private static final String DEFERRED_RECIPIENT = "wait@remote.test";

    private static ApiDocument description;
    private final Set<String> called = new TreeSet<>();

    @BeforeAll
    static void start() throws IOException {
        startWorld().mx().rejectRecipient(DEFERRED_RECIPIENT, "451 4.2.0 Mailbox busy");
        // Loopback is greylisted, so that the test's first RCPT leaves a triplet to list and delete.
        // The test client may not relay either, as relay networks are never greylisted.
        startNode(Map.of("postillion.greylist.allow-networks", List.of(),
                "postillion.smtp.relay-networks", List.of()));
        HttpResponse<String> served = node.send(open("/api/v1/openapi.json").GET());
        assertEquals(200, served.statusCode(), served.body());
        assertEquals("application/json", served.headers().firstValue("Content-Type").orElse(""));
        description = new ApiDocument(JSON.readTree(served.body()));
    }

    @Test
    void theServedDescriptionIsTheOneInTheJar() {
        assertEquals(ApiDocument.fromClassPath().json(), description.json());
    }

    @Test
    void swaggerUiIsServedWithoutTheToken() {
        HttpResponse<String> page = node.send(open("/api/docs").GET());
        assertEquals(200, page.statusCode());
        assertEquals("text/html; charset=UTF-8", page.headers().firstValue("Content-Type").orElse(""));
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").startsWith("default-src 'none'"));
        assertTrue(node.send(open("/api/docs/docs.js").GET()).body().contains("url: '/api/v1/openapi.json'"));

        HttpResponse<String> bundle = node.send(open("/api/docs/swagger-ui-bundle.js").GET());
        assertEquals(200, bundle.statusCode());
        assertTrue(bundle.body().contains("SwaggerUIBundle"));
        // Only what the page loads: not the webjar's demo page, which would load another site's description.
        assertEquals(404, node.send(open("/api/docs/index.html").GET()).statusCode());
    }

    /** One family after the other, as an operator would; every operation of the description is called. */
    @Test
    void everyOperationAnswersAsDescribed() throws IOException {
        node();
        services();
        domains();
        addresses();
        encryption();
        responders();
        appPasswords();
        sieve();
        greylist();
        sendingLimits();
        mailboxes();
        imports();
        queue();
        removals();

        Set<String> described = description.operations().stream().map(Operation::operationId)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(described, called);
    }

    /** A documented error of each family, and of query parameters, with the shared Error schema. */
    @Test
    void errorsAnswerAsDescribed() {
        assertAnswersAsDescribed(operation("getMetrics"), 401, node.send(open("/metrics").GET()));
        call("getDomain", 404, Map.of("domain", "unknown.test"));
        call("getService", 404, Map.of("service", "unknown"));
        call("getAddress", 404, Map.of("address", "nobody@unknown.test"));
        call("getResponder", 404, Map.of("address", "nobody@unknown.test", "id", "1"));
        call("revokeAppPassword", 404, Map.of("address", "nobody@unknown.test", "name", "phone"));
        call("listFolders", 404, Map.of("address", "nobody@unknown.test"));
        call("getQueuedMessage", 400, Map.of("id", "not-a-queue-id"));
        call("listQueue", 400, Map.of(), "state=bogus");
        call("listMessages", 400, Map.of("address", ANNA), "after=1");
        call("listGreylist", 400, Map.of(), "limit=0");
        call("deleteGreylistEntry", 404, Map.of("key", "no-such-key"));
        call("getSendingLimits", 404, Map.of("address", "nobody@unknown.test"));
        call("listSendersNearLimits", 400, Map.of(), "near=1.5");
    }

    /** The description's security holds for every operation: those that need the token refuse a call without it. */
    @Test
    void everyOperationThatNeedsTheTokenAnswers401WithoutIt() {
        for (Operation operation : description.operations()) {
            if (operation.tokenRequired()) {
                HttpResponse<String> response = node.send(open(anyPath(operation.path()))
                        .method(operation.method(), HttpRequest.BodyPublishers.noBody()));
                assertAnswersAsDescribed(operation, 401, response);
                assertEquals("Bearer realm=\"postillion\"",
                        response.headers().firstValue("WWW-Authenticate").orElse(""), operation.operationId());
            }
        }
    }

    /**
     * A method the description gives no path of is refused with 405, and Allow (RFC 9110 section
     * 10.2.1) names the methods it does give for the paths that fit: the router has no operation
     * the description lacks on any described path.
     */
    @Test
    void aMethodNotDescribedForAPathIs405WithTheDescribedOnesInAllow() {
        for (String template : description.operations().stream().map(Operation::path).distinct().toList()) {
            String path = anyPath(template);
            Set<String> described = description.operations().stream()
                    .filter(operation -> operation.matches(path))
                    .map(Operation::method).collect(Collectors.toCollection(TreeSet::new));
            String other = List.of("PUT", "PATCH", "DELETE", "POST", "GET").stream()
                    .filter(method -> !described.contains(method)).findFirst().orElseThrow();
            HttpResponse<String> response = node.send(open(path).header("Authorization", "Bearer " + TestNode.TOKEN)
                    .method(other, HttpRequest.BodyPublishers.noBody()));

            assertEquals(405, response.statusCode(), other + " " + path + ": " + response.body());
            assertEquals(described, Set.of(response.headers().firstValue("Allow").orElse("").split(", ")).stream()
                    .collect(Collectors.toCollection(TreeSet::new)), other + " " + path);
        }
    }

    private void node() {
        call("getHealth", 200, Map.of());
        call("getApiDescription", 200, Map.of());
        call("getMetrics", 200, Map.of());
        call("getStatus", 200, Map.of());
        call("getCluster", 200, Map.of());
    }

    private void services() {
        Map<String, String> acme = Map.of("service", "acme");
        call("createService", 201, Map.of());
        call("listServices", 200, Map.of());
        call("getService", 200, acme);
        call("updateService", 200, acme);
    }

    private void domains() {
        Map<String, String> domain = Map.of("domain", DOMAIN);
        call("createDomain", 201, Map.of());
        call("listDomains", 200, Map.of());
        call("getDomain", 200, domain);
        call("createAddress", 201, domain);
        call("updateDomain", 200, domain);
        call("createAliasDomain", 201, domain);
        call("listAliasDomains", 200, domain);
        call("generateDkimKeys", 201, domain);
        call("getDkimRecords", 200, domain);
        call("generateDkimKeys", 201, domain, "rotate=true");
        call("activateDkimKeys", 200, domain);
        call("importAddresses", 200, domain);
        call("listDomainAddresses", 200, domain);
        call("exportAddresses", 200, domain);
    }

    private void addresses() {
        Map<String, String> anna = Map.of("address", ANNA);
        call("getAddress", 200, anna);
        call("updateAddress", 200, anna);
        call("createAlias", 201, anna);
        call("listAliases", 200, anna);
        call("setRedirect", 200, anna);
        call("getRedirect", 200, anna);
        call("deleteRedirect", 204, anna);
        call("setBackupCopy", 200, anna);
        call("getBackupCopy", 200, anna);
        call("deleteBackupCopy", 204, anna);
        call("setSenderLists", 200, anna);
        call("getSenderLists", 200, anna);
    }

    /** Dora (with the example's password) turns encryption at rest on: Anna's mailbox stays readable for the rest. */
    private void encryption() {
        HttpResponse<String> dora = node.post("/api/v1/domains/" + DOMAIN + "/addresses",
                "{\"localPart\":\"dora\",\"password\":\"correct horse battery\"}");
        assertEquals(201, dora.statusCode(), dora.body());
        Map<String, String> address = Map.of("address", "dora@" + DOMAIN);
        call("getEncryption", 200, address);
        call("enableEncryption", 201, address);
    }

    private void responders() throws IOException {
        Map<String, String> anna = Map.of("address", ANNA);
        String id = json(call("createResponder", 201, anna)).get("id").asText();
        Map<String, String> responder = Map.of("address", ANNA, "id", id);
        call("listResponders", 200, anna);
        call("getResponder", 200, responder);
        call("replaceResponder", 200, responder);
        call("activateResponder", 200, responder);
        call("deactivateResponder", 200, responder);
        call("resetResponderAnswers", 204, anna);
        call("deleteResponder", 204, responder);
    }

    /** The example's app password is made (twice: the second time a conflict), listed and revoked. */
    private void appPasswords() {
        Map<String, String> anna = Map.of("address", ANNA);
        call("createAppPassword", 201, anna);
        call("createAppPassword", 409, anna);
        call("listAppPasswords", 200, anna);
        call("revokeAppPassword", 204, Map.of("address", ANNA, "name", "phone"));
    }

    /** Anna's override of her sending limits, her standing, and the senders near their limits. */
    private void sendingLimits() {
        call("setSendingLimits", 200, Map.of("address", ANNA));
        call("getSendingLimits", 200, Map.of("address", ANNA));
        call("listSendersNearLimits", 200, Map.of(), "near=0");
        call("deleteSendingLimits", 204, Map.of("address", ANNA));
    }

    /** A script of Anna's stored, replaced, read, activated, listed, deactivated and deleted. */
    private void sieve() {
        Map<String, String> anna = Map.of("address", ANNA);
        Map<String, String> script = Map.of("address", ANNA, "name", "filters");
        call("putSieveScript", 201, script);
        call("putSieveScript", 200, script);
        call("getSieveScript", 200, script);
        call("activateSieveScript", 204, script);
        call("listSieveScripts", 200, anna);
        call("deactivateSieveScript", 204, anna);
        call("deleteSieveScript", 204, script);
    }

    /**
     * A first RCPT from loopback is greylisted, which leaves its triplet; loopback is then
     * allowed, for the deliveries that follow.
     */
    private void greylist() throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<bob@example.org>"));
            assertEquals(GreylistTest.GREYLISTED, smtp.command("RCPT TO:<" + ANNA + ">"));
        }
        // The verdict is answered before its triplet's write lands (the write is behind it).
        await("the greylisted triplet listed").atMost(Duration.ofSeconds(10))
                .until(() -> json(call("listGreylist", 200, Map.of())).get("triplets").size() == 1);
        JsonNode triplets = json(call("listGreylist", 200, Map.of())).get("triplets");
        HttpResponse<String> loopback = node.post("/api/v1/greylist/allow", "{\"network\":\"127.0.0.0/8\"}");
        assertEquals(201, loopback.statusCode(), loopback.body());
        call("allowInGreylist", 201, Map.of());
        call("listGreylistAllowed", 200, Map.of());
        call("deleteGreylistEntry", 204, Map.of("key", triplets.get(0).get("key").asText()));
    }

    /** A message delivered to Anna, listed, read, reported, expunged over IMAP, and restored. */
    private void mailboxes() throws IOException {
        Map<String, String> anna = Map.of("address", ANNA);
        long uid = new Delivered(node).deliver(ANNA, "Hello", "Hello Anna.\r\n").get("uid").asLong();
        call("listFolders", 200, anna);
        call("listMessages", 200, anna);
        call("getRawMessage", 200, Map.of("address", ANNA, "uid", Long.toString(uid)));
        // No Rspamd on this node: there is no filter to teach (SpamFilterTest reports to a real one).
        call("reportMessage", 409, Map.of("address", ANNA, "uid", Long.toString(uid)));
        expunge(ANNA, "correct horse battery");
        JsonNode deleted = json(call("listDeletedMessages", 200, anna));
        assertEquals(1, deleted.size(), deleted.toString());
        call("restoreMessage", 200, Map.of("address", ANNA, "id", deleted.get(0).get("id").asText()));
        call("changePassword", 204, anna);
    }

    /**
     * An import from the examples' host, which does not resolve (.test, RFC 6761): the job is
     * started, then fails, as getMailImport's example shows. After the mailbox's calls, which
     * count the messages the failure's confirmation would add.
     */
    private void imports() throws IOException {
        Map<String, String> anna = Map.of("address", ANNA);
        String id = json(call("startMailImport", 202, anna)).get("id").asText();
        call("listMailImports", 200, anna);
        Map<String, String> job = Map.of("address", ANNA, "id", id);
        await("the import from an unknown host failed").atMost(Duration.ofSeconds(30))
                .until(() -> json(call("getMailImport", 200, job)).get("state").asText().equals("failed"));
        assertEquals("the host name imap.example.test was not found",
                json(call("getMailImport", 200, job)).get("error").asText());
        call("startMailImports", 202, Map.of());
    }

    /**
     * Three messages deferred by the remote MX: one held, released and retried, one bounced, one
     * deleted. The test client may not relay (it is greylisted, and relay networks never are), so
     * the messages come in for an address that redirects to the remote recipient.
     */
    private void queue() throws IOException {
        HttpResponse<String> carl = node.post("/api/v1/domains/" + DOMAIN + "/addresses",
                "{\"localPart\":\"carl\",\"password\":\"correct horse battery\"}");
        assertEquals(201, carl.statusCode(), carl.body());
        HttpResponse<String> redirect = node.put("/api/v1/addresses/carl@" + DOMAIN + "/redirect",
                "{\"targets\":[\"" + DEFERRED_RECIPIENT + "\"],\"keepCopy\":false}");
        assertEquals(200, redirect.statusCode(), redirect.body());
        for (int i = 1; i <= 3; i++) {
            try (SmtpClient smtp = connect(node)) {
                // The null sender: a bounce of it makes no report.
                send(smtp, "<>", message("conformance " + i), "carl@" + DOMAIN);
            }
        }
        List<String> ids = await().until(() -> queue.ids("state=deferred&domain=remote.test"), d -> d.size() == 3);
        String retried = ids.get(0);
        call("listQueue", 200, Map.of());
        call("getQueuedMessage", 200, Map.of("id", retried));
        call("holdQueuedMessage", 204, Map.of("id", retried));
        call("releaseQueuedMessage", 204, Map.of("id", retried));
        call("retryQueuedMessage", 204, Map.of("id", retried));
        call("flushQueue", 200, Map.of());
        call("bounceQueuedMessage", 204, Map.of("id", ids.get(1)));
        call("deleteQueuedMessage", 204, Map.of("id", ids.get(2)));
    }

    private void removals() {
        call("deleteAlias", 204, Map.of("address", ANNA, "alias", "jps"));
        call("deleteAliasDomain", 204, Map.of("domain", DOMAIN, "alias", "example.net"));
        call("deleteAddress", 204, Map.of("domain", DOMAIN, "localPart", "bruno"));
        HttpResponse<String> gone = node.post("/api/v1/domains", "{\"name\":\"gone.test\"}");
        assertEquals(201, gone.statusCode(), gone.body());
        call("deleteDomain", 204, Map.of("domain", "gone.test"));
        call("deleteService", 204, Map.of("service", "acme"));
    }

    /** Deletes every message of the INBOX over IMAP (RFC 9051 section 6.4.3), as a mail client does. */
    private static void expunge(String address, String password) throws IOException {
        try (LineWire imap = new LineWire(node.imapPort(false))) {
            assertTrue(imap.line().startsWith("* OK"));
            for (String command : List.of("LOGIN " + address + " \"" + password + "\"", "SELECT INBOX",
                    "STORE 1:* +FLAGS.SILENT (\\Deleted)", "EXPUNGE", "LOGOUT")) {
                imap.send("t " + command + "\r\n");
                String line;
                do {
                    line = imap.line();
                } while (!line.startsWith("t "));
                assertTrue(line.startsWith("t OK"), command + ": " + line);
            }
        }
    }

    // --- calls as the description gives them ---

    private HttpResponse<String> call(String operationId, int status, Map<String, String> parameters) {
        return call(operationId, status, parameters, "");
    }

    /**
     * Calls the operation with the path's parameters and its example body, with the token if it
     * needs one, and checks the answer against the description.
     */
    private HttpResponse<String> call(String operationId, int status, Map<String, String> parameters, String query) {
        Operation operation = operation(operationId);
        HttpRequest.Builder request = open(path(operation.path(), parameters) + (query.isEmpty() ? "" : "?" + query));
        if (operation.tokenRequired()) {
            request.header("Authorization", "Bearer " + TestNode.TOKEN);
        }
        JsonNode content = operation.node().path("requestBody").path("content");
        if (content.isEmpty()) {
            request.method(operation.method(), HttpRequest.BodyPublishers.noBody());
        } else {
            Map.Entry<String, JsonNode> media = content.fields().next();
            JsonNode example = media.getValue().get("example");
            request.header("Content-Type", media.getKey()).method(operation.method(),
                    HttpRequest.BodyPublishers.ofString(example.isTextual() ? example.asText() : example.toString()));
        }
        HttpResponse<String> response = node.send(request);
        called.add(operationId);
        assertAnswersAsDescribed(operation, status, response);
        return response;
    }

    /** The status is the expected one and documented; the body is of the documented media type and schema. */
    private static void assertAnswersAsDescribed(Operation operation, int status, HttpResponse<String> response) {
        String where = operation.method() + " " + response.uri().getPath() + ": " + response.statusCode() + " "
                + response.body();
        assertEquals(status, response.statusCode(), where);
        JsonNode documented = description.response(operation, status)
                .orElseThrow(() -> new AssertionError(operation.operationId() + " does not describe " + status));
        JsonNode content = documented.path("content");
        if (content.isEmpty()) {
            assertEquals("", response.body(), where);
            return;
        }
        String mediaType = response.headers().firstValue("Content-Type").orElse("").split(";")[0];
        JsonNode media = content.get(mediaType);
        assertNotNull(media, where + ": " + mediaType + " is not described");
        JsonNode body = mediaType.equals("application/json") ? json(response) : TextNode.valueOf(response.body());
        assertEquals(List.of(), description.violations(media.get("schema"), body), where);
    }

    /** The template with its parameters filled in, percent-encoded. */
    private static String path(String template, Map<String, String> parameters) {
        String path = template;
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            path = path.replace("{" + parameter.getKey() + "}",
                    URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8));
        }
        assertFalse(path.contains("{"), path);
        return path;
    }

    /** The template with a value for each parameter that fits its schema, such as uid 1. */
    private static String anyPath(String template) {
        return template.replaceAll("\\{uid}", "1").replaceAll("\\{[A-Za-z]+}", "x");
    }

    private static Operation operation(String operationId) {
        return description.operations().stream().filter(o -> o.operationId().equals(operationId)).findFirst()
                .orElseThrow(() -> new AssertionError("no operation " + operationId));
    }

    /** A request to the node's admin API without the token. */
    private static HttpRequest.Builder open(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.node().adminPort() + path));
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(response.body(), e);
        }
    }
}
