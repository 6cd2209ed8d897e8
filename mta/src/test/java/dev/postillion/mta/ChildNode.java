package dev.postillion.mta;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.postillion.core.store.PostgresSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A node in a JVM of its own, started from the test class path, so that a test can stop it as an
 * operator does (SIGTERM) or as a crash does (SIGKILL), and start it again on the same data.
 * Registered as an extension, it prints the node's output when a test fails and kills the node
 * after every test.
 */
final class ChildNode implements AfterEachCallback {

    private static final String TOKEN = "child-token";
    private static final String HOSTNAME = "mx.test";
    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final Duration KILL = Duration.ofSeconds(10);
    private static final int PAGE = 1000;
    /** Every port {@link #freePort} has chosen in this JVM. */
    private static final Set<Integer> HANDED_OUT = new HashSet<>();
    /** The node's line once it accepts mail, naming the ports its listeners got: the MX's, then the admin API's. */
    static final Pattern UP = Pattern.compile(" is up: SMTP MX on port (\\d+),.* admin API on port (\\d+)");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();
    private Path dataDir;
    private Path output;
    private Process process;
    private int starts;
    private long startOffset;
    private int smtpPort;
    private int adminPort;
    private final List<String> settings = new ArrayList<>();

    /** @param settings extra {@code -Dkey=value} options for the node's JVM */
    ChildNode(String... settings) {
        configure(List.of(settings));
    }

    /** Adds {@code -Dkey=value} options for the node's JVM, from its next start on. */
    void configure(List<String> more) {
        settings.addAll(more);
    }

    /** Starts a node with its data and its output under {@code workDir}; see {@link #restart}. */
    void start(Path workDir) throws IOException {
        launch(workDir);
        awaitAccepting();
    }

    /** Starts a node with its data and its output under {@code workDir}, and returns at once. */
    void launch(Path workDir) throws IOException {
        Files.createDirectories(workDir);
        dataDir = workDir.resolve("data");
        output = workDir.resolve("node.log");
        launch();
    }

    /** Starts the node (again) on the same data and waits until it accepts mail. */
    void restart() throws IOException {
        launch();
        awaitAccepting();
    }

    /** Waits until the node just launched accepts mail, and learns the ports it listens on. */
    void awaitAccepting() {
        Matcher up = await("node start " + starts).atMost(STARTUP)
                .failFast("the node exited while starting", () -> !process.isAlive())
                .until(() -> UP.matcher(outputOfThisStart()), Matcher::find);
        smtpPort = Integer.parseInt(up.group(1));
        adminPort = Integer.parseInt(up.group(2));
        await("node start " + starts).atMost(STARTUP).until(this::accepting);
    }

    /** Starts the node (again) on the same data, on fresh ports, and returns at once. */
    void launch() throws IOException {
        smtpPort = 0;
        adminPort = 0;
        starts++;
        Files.writeString(output, "--- start " + starts + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        startOffset = Files.size(output);
        process = new ProcessBuilder(command())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                .start();
    }

    private List<String> command() {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                // A node that lives for seconds: quick to start matters more than peak speed.
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dlogback.configurationFile=child-logback.xml",
                "-Dpostillion.data-dir=" + dataDir,
                "-Dpostillion.hostname=" + HOSTNAME,
                "-Dpostillion.smtp.mx.bind=127.0.0.1",
                // Every listener on a port the system picks, read back from the node's "is up"
                // line: ports chosen here beforehand could be taken by another listener meanwhile.
                "-Dpostillion.smtp.mx.port=0", "-Dpostillion.smtp.submission.port=0",
                "-Dpostillion.smtp.submissions.port=0", "-Dpostillion.imap.plain.port=0",
                "-Dpostillion.imap.implicit-tls.port=0", "-Dpostillion.pop3.plain.port=0",
                "-Dpostillion.pop3.implicit-tls.port=0", "-Dpostillion.managesieve.port=0", "-Dpostillion.admin.port=0",
                "-Dpostillion.admin.token=" + TOKEN,
                "-Dpostillion.directory.password-hash.memory=64KiB", "-Dpostillion.directory.password-hash.iterations=1",
                "-Dpostillion.spf.enabled=false", "-Dpostillion.dkim.enabled=false"));
        TestSharedStore.settings(dataDir).entrySet().forEach(setting ->
                command.add("-D" + setting.getKey() + "=" + setting.getValue().unwrapped()));
        command.addAll(settings);
        command.add(Main.class.getName());
        return command;
    }

    /**
     * A port nothing listens on at the moment, for a setting that must be known before a node
     * starts (a cluster's seed port), and none this method gave before in this JVM: the ports it
     * gives for nodes not started yet are not given twice (a listener on port 0 may still take one).
     */
    static synchronized int freePort() throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            while (true) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            }
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    private boolean accepting() {
        try {
            return http.send(request("/health").GET().build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A crash: SIGKILL, nothing is flushed or closed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertTrue(process.waitFor(KILL.toSeconds(), TimeUnit.SECONDS), "the node survived SIGKILL");
    }

    /** What an operator or systemd does: SIGTERM, which runs the node's coordinated shutdown. */
    void terminate() {
        process.destroy();
    }

    void awaitExit(Duration deadline) {
        await("node exit").atMost(deadline).until(() -> !process.isAlive());
    }

    int smtpPort() {
        return smtpPort;
    }

    /** Everything the node has written to its output, over all its starts. */
    String output() throws IOException {
        return Files.readString(output, StandardCharsets.UTF_8);
    }

    /** What the node has written since it was last started. */
    String outputOfThisStart() throws IOException {
        try (FileChannel file = FileChannel.open(output)) {
            ByteBuffer written = ByteBuffer.allocate((int) (file.size() - startOffset));
            file.read(written, startOffset);
            return new String(written.array(), 0, written.position(), StandardCharsets.UTF_8);
        }
    }

    /** Creates the address's domain and the address itself through the admin API. */
    void createMailbox(String address) {
        String[] parts = address.split("@");
        assertEquals(201, post("/api/v1/domains", "{\"name\":\"" + parts[1] + "\"}").statusCode());
        assertEquals(201, post("/api/v1/domains/" + parts[1] + "/addresses",
                "{\"localPart\":\"" + parts[0] + "\",\"password\":\"secret-password\"}").statusCode());
    }

    /** The Message-ID of every message in the mailbox, in uid order, read page by page. */
    List<String> messageIds(String address) {
        return messages(address).stream().map(message -> message.get("messageId").asText()).toList();
    }

    /** Every message of the mailbox as the admin API lists it, in uid order, read page by page. */
    List<JsonNode> messages(String address) {
        return messages(address, 0);
    }

    /** The messages of the mailbox after uid {@code after}, as {@link #messages(String)}. */
    List<JsonNode> messages(String address, long after) {
        List<JsonNode> messages = new ArrayList<>();
        while (true) {
            JsonNode page = listing(address, after);
            page.forEach(messages::add);
            if (page.size() < PAGE) {
                return messages;
            }
            after = page.get(page.size() - 1).get("uid").asLong();
        }
    }

    /** The stored message with {@code uid}, as the admin API returns it (GET .../raw). */
    byte[] rawMessage(String address, long uid) {
        try {
            HttpResponse<byte[]> response = http.send(request("/api/v1/mailboxes/" + address + "/messages/" + uid
                    + "/raw").timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, response.statusCode());
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private JsonNode listing(String address, long after) {
        return get("/api/v1/mailboxes/" + address + "/messages?folder=INBOX&after=" + after + "&limit=" + PAGE);
    }

    /** What the admin API answers to GET {@code path}, which must succeed. */
    JsonNode get(String path) {
        HttpResponse<String> response = send(request(path).GET());
        assertEquals(200, response.statusCode(), response.body());
        try {
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** POSTs JSON to the admin API: the response, whatever its status. */
    HttpResponse<String> post(String path, String body) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** The admin API's answer to {@code method path}, without a body, whatever its status. */
    HttpResponse<String> call(String method, String path) {
        return send(request(path).method(method, HttpRequest.BodyPublishers.noBody()));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TOKEN);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (process != null && process.isAlive()) {
            kill();
        }
        if (context.getExecutionException().isPresent() && output != null) {
            System.out.println("--- output of the node (" + output + ")\n" + output());
        }
    }
}
