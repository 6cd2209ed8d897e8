package dev.postillion.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * A node's admin API over HTTP: each call answers the JSON body of a 2xx, or ends the command with
 * a {@link CommandFailure} carrying the node's {@code error} text and the matching exit status.
 */
final class AdminClient {

    static final ObjectMapper JSON = new ObjectMapper();

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** A flush or a bulk change waits on every node of the cluster: more than a read. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    private final String base;
    private final String token;

    /** @param base the API's URL without a final slash; paths are added to it, so a prefix before them stays */
    AdminClient(String base, String token) {
        this.base = base;
        this.token = token;
    }

    JsonNode get(String path) {
        return send(request(path).GET());
    }

    /** GET, but an answer of 404 is empty rather than a failure. */
    Optional<JsonNode> find(String path) {
        HttpResponse<String> response = exchange(request(path).GET());
        return response.statusCode() == 404 ? Optional.empty() : Optional.of(answer(response));
    }

    JsonNode post(String path) {
        return send(request(path).POST(HttpRequest.BodyPublishers.noBody()));
    }

    JsonNode post(String path, JsonNode body) {
        return send(withBody(path, "POST", body));
    }

    JsonNode put(String path, JsonNode body) {
        return send(withBody(path, "PUT", body));
    }

    JsonNode patch(String path, JsonNode body) {
        return send(withBody(path, "PATCH", body));
    }

    /** PUT of a body that is no JSON but text of its own media type, such as a Sieve script's. */
    JsonNode putText(String path, String mediaType, String text) {
        return send(request(path).header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8)));
    }

    /** GET of an answer that is text of {@code mediaType}, not JSON; an error is answered as JSON all the same. */
    String getText(String path, String mediaType) {
        HttpResponse<String> response = exchange(request(path).setHeader("Accept", mediaType + ", application/json")
                .GET());
        if (response.statusCode() >= 200 && response.statusCode() < 300) {
            return response.body();
        }
        answer(response);
        throw new IllegalStateException("answer() throws for every status outside 2xx");
    }

    JsonNode delete(String path) {
        return send(request(path).DELETE());
    }

    /**
     * Every page of a listing that pages with {@code after} and {@code next}, from the first on;
     * only the first when {@code limit} is given, as the operator then asked for one page.
     *
     * @param query the listing's filters, already encoded, or empty
     */
    List<JsonNode> pages(String path, String query, Optional<Integer> limit) {
        String filters = limit.map(n -> join(query, "limit=" + n)).orElse(query);
        List<JsonNode> pages = new ArrayList<>();
        JsonNode page = get(path + (filters.isEmpty() ? "" : "?" + filters));
        pages.add(page);
        // The next pages start after the last shown, instead of after the operator's --after.
        String following = withoutAfter(filters);
        while (limit.isEmpty() && page.path("next").isTextual()) {
            page = get(path + "?" + join(following, "after=" + segment(page.get("next").asText())));
            pages.add(page);
        }
        return pages;
    }

    private static String withoutAfter(String query) {
        return String.join("&", Arrays.stream(query.split("&"))
                .filter(parameter -> !parameter.isEmpty() && !parameter.startsWith("after=")).toList());
    }

    private static String join(String query, String parameter) {
        return query.isEmpty() ? parameter : query + "&" + parameter;
    }

    /** Text made safe as one segment of a path, or as a query parameter's value. */
    static String segment(String text) {
        // URLEncoder encodes for forms, where a space is '+'; in a path '+' is itself.
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json");
    }

    private HttpRequest.Builder withBody(String path, String method, JsonNode body) {
        BodyPublisher json = HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8);
        return request(path).header("Content-Type", "application/json").method(method, json);
    }

    private JsonNode send(HttpRequest.Builder request) {
        return answer(exchange(request));
    }

    private HttpResponse<String> exchange(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException e) {
            throw unavailable("no connection within " + CONNECT_TIMEOUT.toSeconds() + " seconds");
        } catch (HttpTimeoutException e) {
            throw unavailable("no answer within " + REQUEST_TIMEOUT.toSeconds() + " seconds");
        } catch (ConnectException e) {
            throw unavailable("connection refused");
        } catch (SSLException e) {
            throw unavailable("the TLS handshake failed (does this JVM trust the node's certificate?)");
        } catch (IOException e) {
            // The library's own words (a class, a socket's state) are not the operator's.
            throw unavailable("the connection failed or was closed before the answer");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted");
        }
    }

    private CommandFailure unavailable(String reason) {
        return new CommandFailure(ExitCode.UNAVAILABLE, "cannot reach the node at " + base + ": " + reason);
    }

    /**
     * The body of a 2xx (nothing for a 204), else the failure the status and the node's error name;
     * a failure the node answered with is {@link CommandFailure#answered}.
     */
    private JsonNode answer(HttpResponse<String> response) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return response.body().isEmpty() ? MissingNode.getInstance() : parse(response.body());
        }
        String error = errorText(response);
        if (status == 401) {
            throw new CommandFailure(ExitCode.NOT_AUTHORIZED, "not authorized: " + error
                    + " (the token comes from --token, POSTILLION_ADMIN_TOKEN or the data directory's admin-token)");
        }
        if (status >= 400 && status < 500) {
            throw new CommandFailure(ExitCode.REFUSED, error).answered();
        }
        throw new CommandFailure(ExitCode.UNAVAILABLE, "the node failed: " + error).answered();
    }

    private static String errorText(HttpResponse<String> response) {
        try {
            JsonNode error = JSON.readTree(response.body()).path("error");
            if (error.isTextual()) {
                return error.asText();
            }
        } catch (JsonProcessingException e) {
            // not one of the API's errors: a proxy's page or another server; named below by its status
        }
        return "HTTP " + response.statusCode() + " without the admin API's error (is --url a Postillion node's admin API?)";
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new CommandFailure(ExitCode.UNAVAILABLE,
                    "the node's answer is not JSON (is --url a Postillion node's admin API?)");
        }
    }
}
