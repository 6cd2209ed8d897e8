package dev.postillion.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The admin API's description as the tests read it: its operations, their responses with the
 * references resolved, and JSON Schema 2020-12 validation against its schemas, which OpenAPI 3.1
 * uses unchanged (OpenAPI 3.1.0 section 4.8.24). Shared with mta's conformance test.
 */
public final class ApiDocument {

    /** An operation: its method in upper case, its path template, and its object in the document. */
    public record Operation(String method, String path, JsonNode node) {

        public String operationId() {
            return node.path("operationId").asText();
        }

        /** Whether a request's path is this operation's, matched as the router matches it ({@link Endpoint}). */
        public boolean matches(String requestPath) {
            return Endpoint.get(path, operationId(), parameters -> null).parameters(requestPath).isPresent();
        }

        /** Open operations say so with an empty security requirement (OpenAPI 3.1.0 section 4.8.10). */
        public boolean tokenRequired() {
            return !node.has("security") || !node.get("security").isEmpty();
        }
    }

    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private final JsonNode document;

    public ApiDocument(JsonNode document) {
        this.document = document;
    }

    /** The description as admin-http's jar holds it, its parts merged as the node serves it. */
    public static ApiDocument fromClassPath() {
        return new ApiDocument(ApiDescription.document());
    }

    public JsonNode json() {
        return document;
    }

    public List<Operation> operations() {
        List<Operation> operations = new ArrayList<>();
        document.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(entry -> {
            if (!entry.getKey().equals("parameters")) {
                operations.add(new Operation(entry.getKey().toUpperCase(Locale.ROOT), path.getKey(), entry.getValue()));
            }
        }));
        return operations;
    }

    /** The operation's parameters, the path's and its own, references resolved. */
    public List<JsonNode> parameters(Operation operation) {
        List<JsonNode> parameters = new ArrayList<>();
        document.get("paths").get(operation.path()).path("parameters").forEach(p -> parameters.add(resolved(p)));
        operation.node().path("parameters").forEach(p -> parameters.add(resolved(p)));
        return parameters;
    }

    /** The documented response of the operation for the status, references resolved. */
    public Optional<JsonNode> response(Operation operation, int status) {
        JsonNode response = operation.node().get("responses").get(Integer.toString(status));
        return Optional.ofNullable(response).map(this::resolved);
    }

    /** Every documented response of the operation by status, references resolved. */
    public Map<String, JsonNode> responses(Operation operation) {
        Map<String, JsonNode> responses = new LinkedHashMap<>();
        operation.node().get("responses").fields()
                .forEachRemaining(entry -> responses.put(entry.getKey(), resolved(entry.getValue())));
        return responses;
    }

    /** A {@code $ref} to this document followed; anything else as it is. */
    public JsonNode resolved(JsonNode node) {
        if (!node.has("$ref")) {
            return node;
        }
        return document.at(node.get("$ref").asText().substring(1));
    }

    /**
     * What is wrong with the value under the schema, empty when it validates. The schema is
     * validated as a resource holding the document's components, so that its references to
     * {@code #/components/schemas/...} resolve.
     */
    public List<String> violations(JsonNode schema, JsonNode value) {
        ObjectNode resource = schema.deepCopy();
        resource.put("$schema", SpecificationVersion.DRAFT_2020_12.getDialectId());
        resource.set("components", document.get("components"));
        List<String> violations = new ArrayList<>();
        for (Error error : SCHEMAS.getSchema(resource.toString()).validate(value)) {
            violations.add(error.toString());
        }
        return violations;
    }
}
