package dev.postillion.mta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, defect 20, over real HTTP: the admin API reads only well-formed JSON sent as JSON,
 * bounds passwords, takes no IP address for a domain, and answers every error, Pekko HTTP's own
 * included, as JSON with a plain reason that names no class or setting.
 */
class AdminApiErrorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path dataDir;
    private static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start(dataDir);
        assertEquals(201, node.post("/api/v1/domains", "{\"name\":\"errors.example\"}").statusCode());
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void aBodyWithAnythingAfterItsJsonIsRefused() {
        HttpResponse<String> response = node.post("/api/v1/domains", "{\"name\":\"trailing.example\"} {}");
        assertJsonError(400, "request body is not valid JSON", response.statusCode(), contentType(response),
                response.body());
        assertEquals(404, node.get("/api/v1/domains/trailing.example").statusCode());
    }

    @Test
    void aKeyGivenTwiceIsRefused() {
        HttpResponse<String> response = node.post("/api/v1/domains",
                "{\"name\":\"first.example\",\"name\":\"second.example\"}");
        assertJsonError(400, "Duplicate field 'name'", response.statusCode(), contentType(response), response.body());
        assertEquals(404, node.get("/api/v1/domains/second.example").statusCode());
    }

    @Test
    void aJsonBodySentAsAnotherTypeIs415() {
        HttpResponse<String> response = node.send(node.request("/api/v1/domains").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"plain.example\"}")));
        assertJsonError(415, "Content-Type: application/json", response.statusCode(), contentType(response),
                response.body());
        assertEquals(404, node.get("/api/v1/domains/plain.example").statusCode());
    }

    @Test
    void passwordsAreBoundedAndFreeOfControlCharacters() {
        HttpResponse<String> nul = createAddress("nul", "Tr4vel\\u0000light");
        assertJsonError(400, "password may not contain control characters", nul.statusCode(), contentType(nul),
                nul.body());
        HttpResponse<String> huge = createAddress("huge", "Tr4vel-light".repeat(90_000));
        assertJsonError(400, "password must be at most 1024 characters long", huge.statusCode(), contentType(huge),
                huge.body());
        assertEquals(201, createAddress("fine", "Tr4vel-light".repeat(85)).statusCode(), "1,020 characters");
    }

    @Test
    void anIpAddressIsNoDomainName() {
        HttpResponse<String> response = node.post("/api/v1/domains", "{\"name\":\"127.0.0.1\"}");
        assertJsonError(400, "domain name '127.0.0.1' is an IP address, not a domain name", response.statusCode(),
                contentType(response), response.body());
    }

    @Test
    void aTooLongUriIsAJsonError() throws IOException {
        RawResponse response = raw("GET /api/v1/domains/" + "x".repeat(10_000) + " HTTP/1.1\r\nHost: admin\r\n\r\n");
        assertJsonError(414, "the request URI is too long", response.status(), response.contentType(), response.body());
    }

    @Test
    void aChunkedBodyWithALengthIsAJsonError() throws IOException {
        RawResponse response = raw("POST /api/v1/domains HTTP/1.1\r\nHost: admin\r\nAuthorization: Bearer "
                + TestNode.TOKEN + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                + "Content-Length: 5\r\n\r\n5\r\n{}{}{\r\n0\r\n\r\n");
        assertJsonError(400, "the request cannot be parsed as HTTP/1.1", response.status(), response.contentType(),
                response.body());
    }

    /** The head only: a server that refuses before reading the body resets a connection with bytes unread. */
    @Test
    void aTooLargeBodyIsAJsonErrorNamingNoSetting() throws IOException {
        RawResponse response = raw("POST /api/v1/domains HTTP/1.1\r\nHost: admin\r\nAuthorization: Bearer "
                + TestNode.TOKEN + "\r\nContent-Type: application/json\r\nContent-Length: 9000000\r\n\r\n");
        assertJsonError(413, "the request body is too large", response.status(), response.contentType(),
                response.body());
    }

    private static HttpResponse<String> createAddress(String localPart, String password) {
        return node.post("/api/v1/domains/errors.example/addresses",
                "{\"localPart\":\"" + localPart + "\",\"password\":\"" + password + "\"}");
    }

    private static String contentType(HttpResponse<String> response) {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    /** A JSON {"error": ...} whose reason starts with, or holds, {@code reason}, and names nothing internal. */
    private static void assertJsonError(int expectedStatus, String reason, int status, String contentType,
            String body) {
        assertEquals(expectedStatus, status, body);
        assertEquals("application/json", contentType, body);
        JsonNode error;
        try {
            error = JSON.readTree(body).get("error");
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
        assertTrue(error != null && error.isTextual(), body);
        assertTrue(error.asText().contains(reason), body);
        String lower = error.asText().toLowerCase(Locale.ROOT);
        assertFalse(lower.contains("pekko") || lower.contains("exception") || lower.contains("max-"), body);
    }

    private record RawResponse(int status, String contentType, String body) {}

    /** Sends bytes no HTTP client library would, and reads the answer until the server closes. */
    private static RawResponse raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", node.node().adminPort())) {
            socket.setSoTimeout(15_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String text = readResponse(socket.getInputStream());
            String head = text.substring(0, text.indexOf("\r\n\r\n"));
            int status = Integer.parseInt(head.substring(9, 12));
            String contentType = head.lines().filter(line -> line.toLowerCase(Locale.ROOT).startsWith("content-type:"))
                    .map(line -> line.substring("content-type:".length()).trim()).findFirst().orElse("");
            return new RawResponse(status, contentType, text.substring(text.indexOf("\r\n\r\n") + 4));
        }
    }

    /** The head and a body of the length it declares. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (true) {
            String text = read.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            if (end >= 0) {
                int length = text.substring(0, end).lines()
                        .filter(line -> line.toLowerCase(Locale.ROOT).startsWith("content-length:"))
                        .mapToInt(line -> Integer.parseInt(line.substring("content-length:".length()).trim()))
                        .findFirst().orElse(0);
                if (read.size() >= end + 4 + length) {
                    return text;
                }
            }
            int n = in.read(buffer);
            if (n < 0) {
                return read.toString(StandardCharsets.UTF_8);
            }
            read.write(buffer, 0, n);
        }
    }
}
