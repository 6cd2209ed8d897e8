package dev.postillion.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postillion.admin.ApiDocument.Operation;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The admin API's description (issue 16) is valid OpenAPI 3.1, describes exactly the router's
 * endpoints, and its examples are valid under its own schemas. That every operation answers as
 * described is mta's OpenApiConformanceTest, against a running node.
 */
class OpenApiDescriptionTest {

    private final ApiDocument description = ApiDocument.fromClassPath();

    @Test
    void isValidOpenApi31() {
        SwaggerParseResult parsed = new OpenAPIParser().readContents(description.json().toString(), null, null);

        assertEquals(List.of(), parsed.getMessages());
        assertEquals("3.1.0", parsed.getOpenAPI().getOpenapi());
    }

    /** Both ways: the same method and path pairs, each with the same operationId and token rule. */
    @Test
    void describesExactlyTheRoutersEndpoints() {
        List<Endpoint> endpoints = new AdminRoutes("token", null, null, null, null, null, null, null, null, null)
                .endpoints();
        Set<String> routed = endpoints.stream()
                .map(e -> e.method().name() + " " + e.path() + " " + e.operationId() + " token=" + e.tokenRequired())
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> described = description.operations().stream()
                .map(o -> o.method() + " " + o.path() + " " + o.operationId() + " token=" + o.tokenRequired())
                .collect(Collectors.toCollection(TreeSet::new));

        assertEquals(described, routed);
        assertEquals(endpoints.size(), routed.size(), "an endpoint is in the table twice");
    }

    @Test
    void operationIdsAreUnique() {
        List<String> ids = description.operations().stream().map(Operation::operationId).toList();
        assertEquals(ids.size(), Set.copyOf(ids).size(), ids.toString());
    }

    /**
     * Every request body, response body and parameter has an example, valid under its schema;
     * every 4xx error but the import's 429 (which says how many remain) is the shared Error.
     */
    @Test
    void examplesAreValidUnderTheirSchemas() {
        List<String> wrong = new ArrayList<>();
        int examples = 0;
        for (Operation operation : description.operations()) {
            String name = operation.operationId();
            JsonNode request = operation.node().path("requestBody").path("content");
            for (Map.Entry<String, JsonNode> media : fields(request)) {
                examples += check(name + " request " + media.getKey(), media.getValue(), wrong);
            }
            for (Map.Entry<String, JsonNode> response : description.responses(operation).entrySet()) {
                for (Map.Entry<String, JsonNode> media : fields(response.getValue().path("content"))) {
                    examples += check(name + " " + response.getKey() + " " + media.getKey(), media.getValue(), wrong);
                    int status = Integer.parseInt(response.getKey());
                    if (status >= 400 && status < 500 && status != 429
                            && !media.getValue().get("schema").path("$ref").asText()
                                    .equals("#/components/schemas/Error")) {
                        wrong.add(name + " " + status + ": not the shared Error schema");
                    }
                }
            }
            for (JsonNode parameter : description.parameters(operation)) {
                if (parameter.get("in").asText().equals("path")) {
                    examples += check(name + " parameter " + parameter.get("name").asText(), parameter, wrong);
                }
            }
        }
        assertEquals(List.of(), wrong);
        assertTrue(examples > 150, examples + " examples checked");
    }

    /** A schema that refuses: the validation the test relies on does refuse. */
    @Test
    void aWrongExampleIsRefused() {
        JsonNode domain = description.json().at("/components/schemas/Domain");
        JsonNode noCreatedAt = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                .put("name", "example.test").put("maintenance", false).putNull("catchAll");

        assertFalse(description.violations(domain, noCreatedAt).isEmpty());
    }

    private int check(String where, JsonNode media, List<String> wrong) {
        if (!media.has("example")) {
            wrong.add(where + ": no example");
            return 0;
        }
        description.violations(media.get("schema"), media.get("example"))
                .forEach(violation -> wrong.add(where + ": " + violation));
        return 1;
    }

    private static List<Map.Entry<String, JsonNode>> fields(JsonNode object) {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
        object.fields().forEachRemaining(fields::add);
        return fields;
    }
}
