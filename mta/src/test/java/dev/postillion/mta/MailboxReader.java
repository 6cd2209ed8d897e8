package dev.postillion.mta;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads a test node's mailboxes through the admin API, as an operator would. */
public final class MailboxReader {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(15);

    private final TestNode node;

    public MailboxReader(TestNode node) {
        this.node = node;
    }

    /**
     * The listing of {@code GET /api/v1/mailboxes/{address}/messages}, every folder's messages, one
     * JSON object per message.
     */
    public List<JsonNode> messages(String address) {
        return listing("/api/v1/mailboxes/" + address + "/messages");
    }

    /** {@link #messages(String)}, up to {@code limit} of them rather than the API's page of 1000. */
    public List<JsonNode> messages(String address, int limit) {
        return listing("/api/v1/mailboxes/" + address + "/messages?limit=" + limit);
    }

    private List<JsonNode> listing(String path) {
        HttpResponse<String> response = node.get(path);
        assertEquals(200, response.statusCode(), response.body());
        try {
            List<JsonNode> messages = new ArrayList<>();
            JSON.readTree(response.body()).forEach(messages::add);
            return messages;
        } catch (JsonProcessingException e) {
            throw new AssertionError("listing is not JSON: " + response.body(), e);
        }
    }

    /** Waits until the message queued as {@code queueId} is in the mailbox, and returns its listing entry. */
    public JsonNode awaitMessage(String address, String queueId) {
        return await().atMost(DEADLINE).until(() -> find(address, queueId), Optional::isPresent).orElseThrow();
    }

    /** The message's content as stored, delivery headers included. */
    public String raw(String address, JsonNode message) {
        return new String(bytes(address, message), StandardCharsets.UTF_8);
    }

    /** {@link #raw} as the bytes stored. */
    public byte[] bytes(String address, JsonNode message) {
        HttpResponse<byte[]> response = node.getBytes("/api/v1/mailboxes/" + address + "/messages/"
                + message.get("uid").asLong() + "/raw?folder=" + message.get("folder").asText());
        assertEquals(200, response.statusCode());
        return response.body();
    }

    /** Waits until the mailbox holds at least {@code count} messages with this subject, and returns them. */
    public List<JsonNode> awaitSubject(String address, String subject, int count) {
        return await(count + " x '" + subject + "' in " + address).atMost(DEADLINE)
                .until(() -> withSubject(address, subject), found -> found.size() >= count);
    }

    public List<JsonNode> withSubject(String address, String subject) {
        return messages(address).stream().filter(m -> subject.equals(m.path("subject").asText())).toList();
    }

    private Optional<JsonNode> find(String address, String queueId) {
        return messages(address).stream().filter(m -> queueId.equals(m.path("queueId").asText())).findFirst();
    }
}
