package dev.postillion.mta;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** {@code /api/v1/queue} of a test node, as an operator uses it, with waits on what it shows. */
final class QueueApi {

    static final String PATH = "/api/v1/queue";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(15);

    private final TestNode node;

    QueueApi(TestNode node) {
        this.node = node;
    }

    /** A listing's {@code messages}, for a query such as {@code state=deferred&domain=remote.test}. */
    List<JsonNode> list(String query) {
        List<JsonNode> messages = new ArrayList<>();
        page(query).get("messages").forEach(messages::add);
        return messages;
    }

    /** A listing page as the API returns it: {@code messages} and {@code next}. */
    JsonNode page(String query) {
        HttpResponse<String> response = node.get(PATH + (query.isEmpty() ? "" : "?" + query));
        assertEquals(200, response.statusCode(), response.body());
        return json(response);
    }

    List<String> ids(String query) {
        return ids(page(query));
    }

    /** The ids of a listing page's messages. */
    static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("messages").forEach(message -> ids.add(message.get("id").asText()));
        return ids;
    }

    HttpResponse<String> get(String id) {
        return node.get(PATH + "/" + id);
    }

    /** The message as {@code GET /api/v1/queue/{id}} shows it; it must be queued. */
    JsonNode message(String id) {
        HttpResponse<String> response = get(id);
        assertEquals(200, response.statusCode(), response.body());
        return json(response);
    }

    /** {@code POST /api/v1/queue/{id}/{operation}}: retry, hold, release or bounce. */
    HttpResponse<String> operate(String id, String operation) {
        return node.send(node.request(PATH + "/" + id + "/" + operation).POST(HttpRequest.BodyPublishers.noBody()));
    }

    HttpResponse<String> delete(String id) {
        return node.delete(PATH + "/" + id);
    }

    HttpResponse<String> flush(String domain) {
        return node.send(node.request(PATH + "/flush?domain=" + encode(domain))
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** Waits until the message is queued and {@code condition} holds for what the API shows of it. */
    JsonNode awaitUntil(String id, Predicate<JsonNode> condition) {
        return await("message " + id).atMost(DEADLINE)
                .until(() -> {
                    HttpResponse<String> response = get(id);
                    return response.statusCode() == 200 ? json(response) : null;
                }, message -> message != null && condition.test(message));
    }

    /** Waits until the message has had {@code attempts} delivery attempts. */
    JsonNode awaitAttempts(String id, int attempts) {
        return awaitUntil(id, message -> message.get("attempts").asInt() >= attempts);
    }

    /** Waits until the message has left the queue. */
    void awaitGone(String id) {
        await("message " + id + " leaves the queue").atMost(DEADLINE)
                .until(() -> get(id).statusCode() == 404);
    }

    /** Waits until nothing at all is queued. */
    void awaitEmpty() {
        await("queue empty").atMost(DEADLINE).until(() -> list("").isEmpty());
    }

    /**
     * Reports to {@code sender} still queued. Reports are spooled with the settlement that calls
     * for them, and leave the spool only once stored: a report that is in neither the queue nor the
     * sender's mailbox when both were looked at in this order does not exist.
     */
    List<JsonNode> reportsQueuedFor(String sender) {
        return list("sender=").stream()
                .filter(message -> addresses(message).contains(sender))
                .toList();
    }

    static List<String> addresses(JsonNode message) {
        List<String> addresses = new ArrayList<>();
        message.get("recipients").forEach(recipient -> addresses.add(recipient.get("address").asText()));
        return addresses;
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
