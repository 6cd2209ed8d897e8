package dev.postillion.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;

/** JSON in and out of the admin API, with errors always shaped {@code {"error": "..."}}. */
final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    static HttpResponse response(StatusCode status, Object body) {
        try {
            return HttpResponse.create().withStatus(status)
                    .withEntity(ContentTypes.APPLICATION_JSON, MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response not serializable: " + e.getMessage(), e);
        }
    }

    static HttpResponse error(StatusCode status, String message) {
        return response(status, Map.of("error", message));
    }

    /** Parses a request body that must be a JSON object. */
    static JsonNode object(String body) {
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("request body is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw ApiError.badRequest("request body must be a JSON object");
        }
        return node;
    }

    /** A required string field of a request object. */
    static String requiredText(JsonNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            throw ApiError.badRequest("field '" + field + "' is required");
        }
        if (!value.isTextual()) {
            throw ApiError.badRequest("field '" + field + "' must be a string");
        }
        return value.asText();
    }
}
