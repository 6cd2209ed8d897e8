package dev.postillion.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The admin API's OpenAPI 3.1 description (issue 16), written in YAML beside this class
 * (openapi/openapi.yaml) and served as JSON at {@code GET /api/v1/openapi.json}, and Swagger UI
 * over it at {@code /api/docs}, its page and scripts from the swagger-ui webjar in the jar. Both
 * are read without the token: they describe the API and hold no data.
 */
final class ApiDescription extends AllDirectives {

    static final String PATH = "/api/v1/openapi.json";
    private static final String DESCRIPTION = "openapi/openapi.yaml";
    private static final String PAGE = "openapi/docs.html";
    private static final String WEBJAR_VERSION = "META-INF/maven/org.webjars/swagger-ui/pom.properties";

    private final byte[] json;
    private final String swaggerUi;

    ApiDescription() {
        json = descriptionJson();
        swaggerUi = "META-INF/resources/webjars/swagger-ui/" + webjarVersion() + "/";
    }

    Endpoint endpoint() {
        return Endpoint.get(PATH, "getApiDescription", parameters -> complete(HttpResponse.create()
                .withEntity(ContentTypes.APPLICATION_JSON, json))).open();
    }

    /** {@code /api/docs}: our page, which points Swagger UI at the description; its assets beside it. */
    Route browser() {
        return pathPrefix(PathMatchers.segment("api").slash("docs"), () -> get(() -> concat(
                pathEnd(() -> getFromResource(PAGE, ContentTypes.TEXT_HTML_UTF8)),
                getFromResourceDirectory(swaggerUi))));
    }

    /** Read once: the YAML is in the jar, so a failure here is a packaging fault and stops the start. */
    private static byte[] descriptionJson() {
        try (InputStream yaml = resource(DESCRIPTION)) {
            return new ObjectMapper().writeValueAsBytes(new YAMLMapper().readTree(yaml));
        } catch (IOException e) {
            throw new UncheckedIOException("the API description " + DESCRIPTION + " cannot be read", e);
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
