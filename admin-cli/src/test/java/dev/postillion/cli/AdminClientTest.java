package dev.postillion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the client makes of answers that are not the admin API's, as when {@code --url} names
 * another server or a proxy answers instead: a plain failure naming the likely cause.
 */
class AdminClientTest {

    private HttpServer server;
    private AdminClient client;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        answer("/gateway", 502, "<html>Bad Gateway</html>");
        answer("/missing", 404, "Not Found");
        answer("/page", 200, "<html>a web page</html>");
        answer("/refused", 409, "{\"error\":\"domain exists\"}");
        server.start();
        client = new AdminClient("http://127.0.0.1:" + server.getAddress().getPort(), "token");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aFailureWithoutTheApisErrorIsNamedByItsStatus() {
        CommandFailure gateway = assertThrows(CommandFailure.class, () -> client.get("/gateway"));
        assertEquals(ExitCode.UNAVAILABLE, gateway.exitCode());
        assertEquals("the node failed: HTTP 502 without the admin API's error (is --url a Postillion node's admin API?)",
                gateway.getMessage());
        CommandFailure missing = assertThrows(CommandFailure.class, () -> client.get("/missing"));
        assertEquals(ExitCode.REFUSED, missing.exitCode());
        assertEquals("HTTP 404 without the admin API's error (is --url a Postillion node's admin API?)",
                missing.getMessage());
    }

    @Test
    void anAnswerThatIsNotJsonIsAFailure() {
        CommandFailure page = assertThrows(CommandFailure.class, () -> client.get("/page"));
        assertEquals(ExitCode.UNAVAILABLE, page.exitCode());
        assertEquals("the node's answer is not JSON (is --url a Postillion node's admin API?)", page.getMessage());
    }

    @Test
    void theApisErrorIsTheMessage() {
        CommandFailure refused = assertThrows(CommandFailure.class, () -> client.get("/refused"));
        assertEquals(ExitCode.REFUSED, refused.exitCode());
        assertEquals("domain exists", refused.getMessage());
    }

    private void answer(String path, int status, String body) {
        server.createContext(path, exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
    }
}
