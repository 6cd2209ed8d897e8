package dev.postillion.loadtest.simulation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * What a simulation's {@code before()} and the tests ask of a target's admin API (README, "Admin
 * API"): hosting a domain, creating, listing and deleting addresses, counting what mailboxes hold
 * and what is queued. Plain java.net.http, not Gatling's HTTP protocol: none of this is load.
 */
public final class AdminApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final String token;

    public AdminApi(Target target) {
        this.base = target.admin();
        this.token = target.token();
    }

    /** Hosts the domain; one hosted already (a second run against the same node) is fine. */
    public void hostDomain(String domain) {
        send("POST", "/api/v1/domains", Map.of("name", domain), Set.of(201, 409));
    }

    /** Creates the mailbox localPart@domain; one that exists already is fine. */
    public void createMailbox(String domain, String localPart, String password) {
        send("POST", "/api/v1/domains/" + encode(domain) + "/addresses",
                Map.of("localPart", localPart, "password", password, "type", "mailbox"), Set.of(201, 409));
    }

    /** Deletes the address localPart@domain with its mailbox; one that does not exist is fine. */
    public void deleteAddress(String domain, String localPart) {
        send("DELETE", "/api/v1/domains/" + encode(domain) + "/addresses/" + encode(localPart), null, Set.of(204, 404));
    }

    /** The local parts of the domain's addresses. */
    public List<String> addresses(String domain) {
        List<String> localParts = new ArrayList<>();
        for (JsonNode address : send("GET", "/api/v1/domains/" + encode(domain) + "/addresses", null, Set.of(200))) {
            localParts.add(address.get("localPart").asText());
        }
        return localParts;
    }

    /** How many messages the mailbox of {@code address} holds, in all its folders, as their counts say. */
    public long messagesIn(String address) {
        long count = 0;
        for (JsonNode folder : send("GET", "/api/v1/mailboxes/" + encode(address) + "/folders", null, Set.of(200))) {
            count += folder.get("messages").asLong();
        }
        return count;
    }

    /** How many messages the mailboxes of all these addresses hold together. */
    public long messagesIn(List<String> addresses) {
        long count = 0;
        for (String address : addresses) {
            count += messagesIn(address);
        }
        return count;
    }

    /** Whether the node's queue holds no message: every accepted message was delivered or bounced. */
    public boolean queueEmpty() {
        return send("GET", "/api/v1/queue?limit=1", null, Set.of(200)).get("messages").isEmpty();
    }

    /** Waits until the queue is empty: accepted is spooled, so a mailbox count is final only then. */
    public void awaitEmptyQueue(Duration within) {
        Instant deadline = Instant.now().plus(within);
        while (!queueEmpty()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the queue did not empty within " + within);
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
    }

    private JsonNode send(String method, String path, Object body, Set<Integer> expected) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token);
        try {
            request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (!expected.contains(response.statusCode())) {
                throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
                        + response.body());
            }
            return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " " + path + " was interrupted", e);
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8);
    }
}
