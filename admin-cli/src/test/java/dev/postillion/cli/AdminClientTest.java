package dev.postillion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the client makes of answers that are not the admin API's, as when {@code --url} names
 * another server or a proxy answers instead: a plain failure naming the likely cause.
 */
class AdminClientTest {

    private FakeAdminApi api;
    private AdminClient client;

    @BeforeEach
    void start() throws IOException {
        api = new FakeAdminApi()
                .answer("/gateway", 502, "<html>Bad Gateway</html>")
                .answer("/missing", 404, "Not Found")
                .answer("/page", 200, "<html>a web page</html>")
                .answer("/refused", 409, "{\"error\":\"domain exists\"}");
        client = new AdminClient(api.url(), "token");
    }

    @AfterEach
    void stop() {
        api.close();
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
}
