package dev.postillion.mta;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.postillion.mta.smtp.ListenerRole;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * A real node started in-process for a test: temporary data directory, ephemeral ports, a known
 * admin token, cheap password hashing. Talk to it over SMTP ({@link #smtpPort()}) and HTTP.
 */
public final class TestNode implements AutoCloseable {

    public static final String TOKEN = "test-token";
    public static final String HOSTNAME = "mx.test";

    private final Node node;
    private final HttpClient http = HttpClient.newHttpClient();

    private TestNode(Node node) {
        this.node = node;
    }

    public static TestNode start(Path dataDir) {
        return start(dataDir, Map.of(), Clock.systemUTC());
    }

    /** @param settings extra settings, e.g. {@code "postillion.smtp.max-recipients" -> 3} */
    public static TestNode start(Path dataDir, Map<String, ?> settings, Clock clock) {
        Config defaults = ConfigFactory.parseMap(Map.ofEntries(
                        Map.entry("postillion.hostname", HOSTNAME),
                        Map.entry("postillion.data-dir", dataDir.toString()),
                        Map.entry("postillion.smtp.mx.bind", "127.0.0.1"),
                        Map.entry("postillion.smtp.mx.port", 0),
                        Map.entry("postillion.smtp.submission.bind", "127.0.0.1"),
                        Map.entry("postillion.smtp.submission.port", 0),
                        Map.entry("postillion.smtp.submissions.bind", "127.0.0.1"),
                        Map.entry("postillion.smtp.submissions.port", 0),
                        Map.entry("postillion.imap.plain.bind", "127.0.0.1"),
                        Map.entry("postillion.imap.plain.port", 0),
                        Map.entry("postillion.imap.implicit-tls.bind", "127.0.0.1"),
                        Map.entry("postillion.imap.implicit-tls.port", 0),
                        Map.entry("postillion.pop3.plain.bind", "127.0.0.1"),
                        Map.entry("postillion.pop3.plain.port", 0),
                        Map.entry("postillion.pop3.implicit-tls.bind", "127.0.0.1"),
                        Map.entry("postillion.pop3.implicit-tls.port", 0),
                        Map.entry("postillion.managesieve.bind", "127.0.0.1"),
                        Map.entry("postillion.managesieve.port", 0),
                        Map.entry("postillion.admin.port", 0),
                        Map.entry("postillion.admin.token", TOKEN),
                        Map.entry("postillion.directory.password-hash.memory", "64KiB"),
                        Map.entry("postillion.directory.password-hash.iterations", 1),
                        // No DNS for SPF and DKIM unless a test serves it (AuthenticationResultsTest).
                        Map.entry("postillion.spf.enabled", false),
                        Map.entry("postillion.dkim.enabled", false)));
        try {
            return new TestNode(Node.start(Node.configuration(ConfigFactory.parseMap(settings)
                            .withFallback(TestSharedStore.settings(dataDir)).withFallback(defaults)),
                    clock));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Node node() {
        return node;
    }

    public int smtpPort() {
        return node.smtpPort();
    }

    public int smtpPort(ListenerRole role) {
        return node.smtpPort(role);
    }

    /** The IMAP port with STARTTLS, or with implicit TLS. */
    public int imapPort(boolean implicitTls) {
        return node.imapPort(implicitTls);
    }

    /** The POP3 port with STLS, or with implicit TLS. */
    public int manageSievePort() {
        return node.manageSievePort();
    }

    public int pop3Port(boolean implicitTls) {
        return node.pop3Port(implicitTls);
    }

    /** Creates a domain and an address (password "secret-password") through the admin API. */
    /** Creates the mail service, without a quota, its domain (the address's) and the address. */
    public void createMailboxInService(String address, String service) {
        HttpResponse<String> created = post("/api/v1/services", "{\"name\":\"" + service + "\",\"addressQuota\":null}");
        assertEquals(201, created.statusCode(), created.body());
        String domain = address.substring(address.indexOf('@') + 1);
        created = post("/api/v1/domains", "{\"name\":\"" + domain + "\",\"service\":\"" + service + "\"}");
        assertEquals(201, created.statusCode(), created.body());
        createMailbox(address);
    }

    public void createMailbox(String address) {
        String[] parts = address.split("@");
        HttpResponse<String> domain = post("/api/v1/domains", "{\"name\":\"" + parts[1] + "\"}");
        if (domain.statusCode() != 201 && domain.statusCode() != 409) {
            throw new IllegalStateException("domain creation failed: " + domain.body());
        }
        HttpResponse<String> created = post("/api/v1/domains/" + parts[1] + "/addresses",
                "{\"localPart\":\"" + parts[0] + "\",\"password\":\"secret-password\"}");
        assertEquals(201, created.statusCode(), created.body());
    }

    public HttpResponse<String> get(String path) {
        return send(request(path).GET());
    }

    public HttpResponse<byte[]> getBytes(String path) {
        try {
            return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> post(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public HttpResponse<String> put(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    public HttpResponse<String> patch(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
    }

    /** Posts a CSV body, as a bulk import sends it. */
    public HttpResponse<String> postCsv(String path, String csv) {
        return send(request(path).header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString(csv)));
    }

    public HttpResponse<String> delete(String path) {
        return send(request(path).DELETE());
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort() + path))
                .header("Authorization", "Bearer " + TOKEN);
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        node.close();
    }
}
