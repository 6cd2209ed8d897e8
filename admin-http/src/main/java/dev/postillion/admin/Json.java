package dev.postillion.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;

/** JSON in and out of the admin API, with errors always shaped {@code {"error": "..."}}. */
final class Json {

    /**
     * Strict about what it reads: a body with anything after its JSON value, or with a key given
     * twice (of which a lenient reader keeps the last, so a request may mean two things), is
     * refused (issue 12, defect 20).
     */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

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

    /** Refuses fields the request does not know: a misspelt field must not be silently ignored. */
    static void onlyFields(JsonNode object, Set<String> known) {
        object.fieldNames().forEachRemaining(field -> {
            if (!known.contains(field)) {
                throw ApiError.badRequest("unknown field '" + field + "'; expected "
                        + String.join(", ", new TreeSet<>(known)));
            }
        });
    }

    /** An optional string field: empty when absent or null. */
    static Optional<String> optionalText(JsonNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw ApiError.badRequest("field '" + field + "' must be a string");
        }
        return Optional.of(value.asText());
    }

    /**
     * An optional boolean field: empty when absent. Null is refused like any other non-boolean: it
     * would read as "leave it as it is" to one client and as "false" to another.
     */
    static Optional<Boolean> optionalBoolean(JsonNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isBoolean()) {
            throw ApiError.badRequest("field '" + field + "' must be true or false");
        }
        return Optional.of(value.asBoolean());
    }

    /** A string field that may be left out but, when given, must not be null. */
    static Optional<String> presentText(JsonNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw ApiError.badRequest("field '" + field + "' must be a string");
        }
        return Optional.of(value.asText());
    }

    /** A required boolean field: absent or null is refused, as a default would decide for the caller. */
    static boolean requiredBoolean(JsonNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            throw ApiError.badRequest("field '" + field + "' is required");
        }
        if (!value.isBoolean()) {
            throw ApiError.badRequest("field '" + field + "' must be true or false");
        }
        return value.asBoolean();
    }

    /** An optional array of strings: empty when absent. */
    static List<String> textList(JsonNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw ApiError.badRequest("field '" + field + "' must be an array of strings");
        }
        List<String> texts = new ArrayList<>();
        for (JsonNode element : value) {
            if (!element.isTextual()) {
                throw ApiError.badRequest("field '" + field + "' must be an array of strings");
            }
            texts.add(element.asText());
        }
        return texts;
    }

    /**
     * A required limit: a whole number from 0, or null for none. Absent is refused, as a default
     * would decide for the caller.
     */
    static OptionalInt requiredLimit(JsonNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null) {
            throw ApiError.badRequest("field '" + field + "' is required: a whole number, or null for no limit");
        }
        if (value.isNull()) {
            return OptionalInt.empty();
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 0) {
            throw ApiError.badRequest("field '" + field + "' must be a whole number from 0, or null for no limit");
        }
        return OptionalInt.of(value.asInt());
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
