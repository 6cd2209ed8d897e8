package dev.postillion.admin;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * One operation of the admin API: its method, its path template as the API's description
 * (openapi.yaml) writes it, {@code /api/v1/domains/{domain}}, its operationId there, whether it
 * needs the bearer token, and the route that answers it, given the path's parameters by name.
 * The router is made of these alone, so the description can be checked against them both ways.
 */
record Endpoint(HttpMethod method, String path, String operationId, boolean tokenRequired,
        Function<Map<String, String>, Route> handler) {

    static Endpoint get(String path, String operationId, Function<Map<String, String>, Route> handler) {
        return new Endpoint(HttpMethods.GET, path, operationId, true, handler);
    }

    static Endpoint post(String path, String operationId, Function<Map<String, String>, Route> handler) {
        return new Endpoint(HttpMethods.POST, path, operationId, true, handler);
    }

    static Endpoint put(String path, String operationId, Function<Map<String, String>, Route> handler) {
        return new Endpoint(HttpMethods.PUT, path, operationId, true, handler);
    }

    static Endpoint patch(String path, String operationId, Function<Map<String, String>, Route> handler) {
        return new Endpoint(HttpMethods.PATCH, path, operationId, true, handler);
    }

    static Endpoint delete(String path, String operationId, Function<Map<String, String>, Route> handler) {
        return new Endpoint(HttpMethods.DELETE, path, operationId, true, handler);
    }

    /** The same operation, answered without the bearer token. */
    Endpoint open() {
        return new Endpoint(method, path, operationId, false, handler);
    }

    /**
     * Answers a request whose path fits the template with the handler, if the method is this one;
     * a path that fits with another method is rejected with the method (405 with Allow once every
     * endpoint has rejected), a path that does not fit with nothing (404).
     */
    Route route() {
        return Directives.extractUri(uri -> parameters(uri.path())
                .map(parameters -> Directives.method(method, () -> handler.apply(parameters)))
                .orElseGet(Directives::reject));
    }

    /**
     * The path's parameters if the path fits the template: as many segments, the same literal
     * ones, and no empty one where a parameter is (as Pekko's segment matcher). The path comes
     * percent-encoded (RFC 3986 section 3.3); each segment is decoded after the split, so that an
     * encoded slash stays in its segment, and '+' is no space in a path.
     */
    Optional<Map<String, String>> parameters(String encodedPath) {
        String[] template = path.split("/", -1);
        String[] segments = encodedPath.split("/", -1);
        if (segments.length != template.length) {
            return Optional.empty();
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < template.length; i++) {
            String segment = URLDecoder.decode(segments[i].replace("+", "%2B"), StandardCharsets.UTF_8);
            if (template[i].startsWith("{")) {
                if (segment.isEmpty()) {
                    return Optional.empty();
                }
                parameters.put(template[i].substring(1, template[i].length() - 1), segment);
            } else if (!template[i].equals(segment)) {
                return Optional.empty();
            }
        }
        return Optional.of(parameters);
    }
}
