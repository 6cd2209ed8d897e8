package dev.postillion.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The admin API's OpenAPI 3.1 description (issue 16), written in YAML in parts (openapi/openapi.yaml
 * and {@link #PARTS}, each a few hundred lines) merged into one document, served as JSON at
 * {@code GET /api/v1/openapi.json}, and Swagger UI
 * over it at {@code /api/docs}, its page and scripts from the swagger-ui webjar in the jar. Both
 * are read without the token: they describe the API and hold no data.
 */
final class ApiDescription extends AllDirectives {

    static final String PATH = "/api/v1/openapi.json";
    private static final String DESCRIPTION = "openapi/openapi.yaml";
    /** The files with the rest of the description's paths and components, in the order they are merged. */
    private static final List<String> PARTS = List.of("openapi/services.yaml", "openapi/domains.yaml",
            "openapi/addresses.yaml", "openapi/sieve.yaml", "openapi/mail.yaml", "openapi/limits.yaml",
            "openapi/imports.yaml", "openapi/schemas.yaml");
    private static final String PAGE = "openapi/docs.html";
    private static final String PAGE_SCRIPT = "openapi/docs.js";
    /** What the page loads of the webjar; its other files (a demo page, its set-up) are not served. */
    private static final List<String> ASSETS = List.of("swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png");
    /**
     * Swagger UI's own scripts only, and the description from this origin; it styles elements
     * inline and draws some icons as data: images.
     */
    private static final List<HttpHeader> HEADERS = PageHeaders.with("default-src 'none'; script-src 'self'; "
            + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
            + "form-action 'self'");
    private static final String WEBJAR_VERSION = "META-INF/maven/org.webjars/swagger-ui/pom.properties";

    private final byte[] json;
    private final String swaggerUi;

    ApiDescription() {
        try {
            json = new ObjectMapper().writeValueAsBytes(document());
        } catch (IOException e) {
            throw new UncheckedIOException("the API description cannot be written as JSON", e);
        }
        swaggerUi = "META-INF/resources/webjars/swagger-ui/" + webjarVersion() + "/";
    }

    Endpoint endpoint() {
        return Endpoint.get(PATH, "getApiDescription", parameters -> complete(HttpResponse.create()
                .withEntity(ContentTypes.APPLICATION_JSON, json))).open();
    }

    /** {@code /api/docs}: our page and its script, which point Swagger UI at the description; its assets beside them. */
    Route browser() {
        Route[] files = Stream.concat(Stream.of(path("docs.js", () -> getFromResource(PAGE_SCRIPT))),
                ASSETS.stream().map(asset -> path(asset, () -> getFromResource(swaggerUi + asset)))).toArray(Route[]::new);
        return pathPrefix(PathMatchers.segment("api").slash("docs"), () -> get(() -> respondWithHeaders(HEADERS,
                () -> concat(pathEnd(() -> getFromResource(PAGE, ContentTypes.TEXT_HTML_UTF8)), files))));
    }

    /**
     * The description as one document: each part's paths and components added to the main file's,
     * in order. Read once: the YAML is in the jar, so a failure here is a packaging fault and stops
     * the start.
     */
    static ObjectNode document() {
        ObjectNode document = (ObjectNode) read(DESCRIPTION);
        for (String part : PARTS) {
            JsonNode more = read(part);
            more.fields().forEachRemaining(section -> merge(document, section.getKey(), section.getValue(), part));
        }
        return document;
    }

    /** Adds a part's {@code paths} or {@code components}; a name two parts both give is a mistake in them. */
    private static void merge(ObjectNode document, String section, JsonNode entries, String part) {
        ObjectNode into = document.with(section);
        entries.fields().forEachRemaining(entry -> {
            if (section.equals("components") && into.has(entry.getKey())) {
                merge(into, entry.getKey(), entry.getValue(), part);
            } else if (into.has(entry.getKey())) {
                throw new IllegalStateException(part + " gives " + section + "." + entry.getKey() + " again");
            } else {
                into.set(entry.getKey(), entry.getValue());
            }
        });
    }

    private static JsonNode read(String name) {
        try (InputStream yaml = resource(name)) {
            return new YAMLMapper().readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException("the API description's " + name + " cannot be read", e);
        }
    }

    private static String webjarVersion() {
        try (InputStream properties = resource(WEBJAR_VERSION)) {
            Properties webjar = new Properties();
            webjar.load(properties);
            return webjar.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException("the swagger-ui webjar's " + WEBJAR_VERSION + " cannot be read", e);
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream stream = ApiDescription.class.getClassLoader().getResourceAsStream(name);
        if (stream == null) {
            throw new IOException(name + " is not on the class path");
        }
        return stream;
    }
}
