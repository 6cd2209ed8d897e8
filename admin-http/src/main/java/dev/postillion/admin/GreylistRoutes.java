package dev.postillion.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /api/v1/greylist}: the triplets greylisting remembers, and the operator's allow entries
 * (client networks and sender domains never greylisted).
 */
final class GreylistRoutes extends JsonRoutes {

    private static final String GREYLIST = "/api/v1/greylist";
    private static final int DEFAULT_PAGE = 100;
    private static final int MAX_PAGE = 1000;

    private final GreylistAdmin greylist;

    GreylistRoutes(GreylistAdmin greylist) {
        this.greylist = greylist;
    }

    List<Endpoint> endpoints() {
        return List.of(
                Endpoint.get(GREYLIST, "listGreylist", p -> parameterMap(this::list)),
                Endpoint.get(GREYLIST + "/allow", "listGreylistAllowed", p -> respond(StatusCodes.OK, greylist.allowed()
                        .thenApply(allowed -> allowed.stream().map(GreylistRoutes::allowedJson).toList()))),
                Endpoint.post(GREYLIST + "/allow", "allowInGreylist", p -> withJson(body ->
                        respond(StatusCodes.CREATED, allow(body)))),
                Endpoint.delete(GREYLIST + "/{key}", "deleteGreylistEntry", p -> delete(p.get("key"))));
    }

    private Route delete(String key) {
        return completeWithFuture(greylist.delete(key).handle((deleted, failure) -> failure != null
                ? AdminRoutes.errorResponse(failure)
                : deleted ? HttpResponse.create().withStatus(StatusCodes.NO_CONTENT)
                        : Json.error(StatusCodes.NOT_FOUND, "no greylist entry " + key)));
    }

    /** {@code {"triplets":[...],"next":KEY}}: pages in key order; {@code next} is the last key shown. */
    private Route list(Map<String, String> parameters) {
        int limit = (int) Math.min(AdminRoutes.longParameter(parameters, "limit", DEFAULT_PAGE), MAX_PAGE);
        if (limit == 0) {
            throw ApiError.badRequest("parameter 'limit' must be at least 1");
        }
        return respond(StatusCodes.OK, greylist.triplets(Optional.ofNullable(parameters.get("after")), limit)
                .thenApply(page -> {
                    Map<String, Object> json = new LinkedHashMap<>();
                    json.put("triplets", page.stream().map(GreylistRoutes::tripletJson).toList());
                    json.put("next", page.size() == limit ? page.get(page.size() - 1).key() : null);
                    return json;
                }));
    }

    /** {@code {"network":"192.0.2.0/24"}} or {@code {"domain":"example.com"}}. */
    private CompletionStage<Map<String, Object>> allow(JsonNode body) {
        Json.onlyFields(body, Set.of("network", "domain"));
        Optional<String> network = Json.optionalText(body, "network");
        Optional<String> domain = Json.optionalText(body, "domain");
        if (network.isPresent() == domain.isPresent()) {
            throw ApiError.badRequest("give either 'network' (a CIDR block) or 'domain' (a sender domain)");
        }
        try {
            return greylist.allow(network.isPresent() ? "network" : "domain", network.orElseGet(domain::get))
                    .thenApply(GreylistRoutes::allowedJson);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }

    private static Map<String, Object> tripletJson(GreylistAdmin.Entry entry) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("key", entry.key());
        json.put("network", entry.network());
        json.put("sender", entry.sender());
        json.put("recipient", entry.recipient());
        json.put("firstSeen", entry.firstSeen().toString());
        json.put("lastSeen", entry.lastSeen().toString());
        json.put("state", entry.passed() ? "passed" : "waiting");
        return json;
    }

    private static Map<String, Object> allowedJson(GreylistAdmin.Allowed allowed) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("key", allowed.key());
        json.put(allowed.kind(), allowed.value());
        return json;
    }
}
