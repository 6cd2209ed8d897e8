package dev.postillion.mta;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A throwaway Rspamd (Debian's rspamd, 3.4) on loopback: its normal worker and controller on free
 * ports, its configuration, databases and log inside a temporary directory, in the foreground
 * under the test's control.
 *
 * <p>What it takes to start it in seconds and offline, as found on Debian 12:
 * <ul>
 *   <li>our own top-level rspamd.conf with just the two workers, including Debian's rules
 *       ({@code $CONFDIR/common.conf}) and options, with LOCAL_CONFDIR, DBDIR, RUNDIR and LOGDIR
 *       pointed into the directory;
 *   <li>{@code url_tld} a four-line list: compiling the public suffix list takes minutes on a busy
 *       machine; hyperscan off, which Rspamd otherwise compiles its regular expressions with;
 *   <li>modules that look things up on the network (DNS lists, SPF, DKIM, DMARC, fuzzy hashes,
 *       maps fetched from maps.rspamd.com) or need redis disabled, and DNS sent nowhere;
 *   <li>Bayes on a redis (Debian's redis-server) of its own, in memory, given to the classifier
 *       alone so that no other module wakes up; learning from the first message
 *       ({@code min_learns = 1}). Rspamd's sqlite3 backend was tried first: its normal worker and
 *       controller lock each other's files, and learning then fails now and then with
 *       "database is locked";
 *   <li>{@code -i} (insecure): as root (as on CI) Rspamd otherwise wants a user to switch to.
 * </ul>
 */
final class RspamdServer implements AutoCloseable {

    static final String PASSWORD = "learn-secret";
    /** Modules disabled: network lookups, redis, and maps downloaded at start. */
    private static final List<String> DISABLED = List.of("rbl", "surbl", "emails", "fuzzy_check", "neural", "asn",
            "dcc", "dkim", "dkim_signing", "spf", "dmarc", "arc", "greylist", "ratelimit", "reputation", "mx_check",
            "phishing", "history_redis", "metric_exporter", "clickhouse", "elastic", "url_redirector", "bimi",
            "replies", "p0f", "spamassassin", "antivirus", "external_services", "multimap", "whitelist",
            "mime_types", "mid", "hfilter");

    private final Process process;
    private final Process redis;
    private final int scannerPort;
    private final int controllerPort;
    private final HttpClient http = HttpClient.newHttpClient();

    private RspamdServer(Process process, Process redis, int scannerPort, int controllerPort) {
        this.process = process;
        this.redis = redis;
        this.scannerPort = scannerPort;
        this.controllerPort = controllerPort;
    }

    /** A program on PATH (or in /usr/bin, /usr/sbin), if installed. */
    private static Optional<Path> binary(String name) {
        return Stream.of((System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/sbin").split(":"))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /**
     * Starts redis and Rspamd in {@code directory} and returns once both of Rspamd's workers
     * answer; throws naming the package when either is not installed.
     */
    static RspamdServer start(Path directory) throws IOException {
        Path rspamd = binary("rspamd").orElseThrow(() -> new IllegalStateException(
                "no rspamd binary: install Debian's rspamd (.ci/run does)"));
        Path redisServer = binary("redis-server").orElseThrow(() -> new IllegalStateException(
                "no redis-server binary: install Debian's redis-server (.ci/run does)"));
        for (String sub : List.of("local.d", "override.d", "db", "run", "log")) {
            Files.createDirectories(directory.resolve(sub));
        }
        int redisPort = freePort();
        // In memory only: no snapshot, no append-only file.
        Process redis = new ProcessBuilder(redisServer.toString(), "--bind", "127.0.0.1", "--port",
                Integer.toString(redisPort), "--save", "", "--appendonly", "no", "--dir", directory.toString())
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("redis.out").toFile())
                .start();
        await("redis listening on port " + redisPort).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50)).until(() -> listening(redisPort));
        int scanner = freePort();
        int controller = freePort();
        Files.writeString(directory.resolve("rspamd.conf"), config(scanner, controller));
        Files.writeString(directory.resolve("tld.dat"), "test\nexample\ncom\norg\n");
        Files.writeString(directory.resolve("override.d/options.inc"), """
                url_tld = "%s";
                disable_hyperscan = true;
                dns { nameserver = ["127.0.0.1:1"]; timeout = 0.1s; retransmits = 1; }
                """.formatted(directory.resolve("tld.dat")));
        Files.writeString(directory.resolve("override.d/classifier-bayes.conf"), """
                backend = "redis";
                servers = "127.0.0.1:%d";
                min_learns = 1;
                """.formatted(redisPort));
        for (String module : DISABLED) {
            Files.writeString(directory.resolve("local.d").resolve(module + ".conf"), "enabled = false;\n");
        }
        Process process = new ProcessBuilder(rspamd.toString(), "-f", "-i",
                "-c", directory.resolve("rspamd.conf").toString(),
                "--var", "LOCAL_CONFDIR=" + directory,
                "--var", "DBDIR=" + directory.resolve("db"),
                "--var", "RUNDIR=" + directory.resolve("run"),
                "--var", "LOGDIR=" + directory.resolve("log"))
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("rspamd.out").toFile())
                .start();
        RspamdServer server = new RspamdServer(process, redis, scanner, controller);
        await("Rspamd answering on ports " + scanner + " and " + controller).atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("rspamd exited with " + process.exitValue() + "; see "
                                + directory.resolve("rspamd.out") + " and " + directory.resolve("log/rspamd.log"));
                    }
                    return server.answers(scanner) && server.answers(controller);
                });
        return server;
    }

    private static String config(int scanner, int controller) {
        return """
                .include "$CONFDIR/common.conf"
                options {
                    pidfile = "$RUNDIR/rspamd.pid";
                    .include "$CONFDIR/options.inc"
                    .include(priority=10) "$LOCAL_CONFDIR/override.d/options.inc"
                }
                logging {
                    type = "file";
                    filename = "$LOGDIR/rspamd.log";
                    level = "info";
                }
                worker "normal" {
                    bind_socket = "127.0.0.1:%d";
                    count = 1;
                }
                worker "controller" {
                    bind_socket = "127.0.0.1:%d";
                    count = 1;
                    password = "%s";
                }
                """.formatted(scanner, controller, PASSWORD);
    }

    String scannerUrl() {
        return "http://127.0.0.1:" + scannerPort;
    }

    String controllerUrl() {
        return "http://127.0.0.1:" + controllerPort;
    }

    /**
     * How many messages the controller learned since start ({@code /stat}'s {@code learned}; its
     * {@code total_learns} stays 0 with redis).
     */
    long learned() throws IOException, InterruptedException {
        HttpResponse<String> stat = http.send(HttpRequest.newBuilder(URI.create(controllerUrl() + "/stat"))
                .header("Password", PASSWORD).build(), HttpResponse.BodyHandlers.ofString());
        return QueueApi.json(stat).get("learned").asLong();
    }

    private boolean answers(int port) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ping"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    /** Stops Rspamd, its workers and its redis, and waits until they are gone. */
    @Override
    public void close() {
        List<ProcessHandle> workers = process.descendants().toList();
        process.destroy();
        redis.destroy();
        await("rspamd and redis stopped").atMost(Duration.ofSeconds(30)).until(() -> !process.isAlive()
                && !redis.isAlive() && workers.stream().noneMatch(ProcessHandle::isAlive));
    }
}
