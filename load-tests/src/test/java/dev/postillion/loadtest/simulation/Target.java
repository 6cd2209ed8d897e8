package dev.postillion.loadtest.simulation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Postillion node a simulation runs against: the one the system properties {@code target.smtp}
 * (host:port of the MX listener), {@code target.submission} (host:port), {@code target.admin} (base
 * URL) and {@code target.token} name, or, without {@code target.smtp} and {@code target.admin}, a
 * node of our own.
 *
 * <p>Our own node is a child process, {@code java -jar mta/target/postillion.jar}, with embedded
 * storage in a temporary data directory, free loopback ports, SPF and DKIM off (the load's
 * sender domains publish nothing) and greylisting with a delay of a second. A process of its own keeps the node's Netty and Jackson apart
 * from the ones Gatling runs on. {@link #close()} stops it and deletes its data.
 */
public final class Target implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final Duration SHUTDOWN = Duration.ofSeconds(30);
    private static final String BUILD = "./mvnw -B -DskipTests package";
    private static final String SUBMISSION_NEEDED =
            "a submission load needs -Dtarget.submission (host:port of its submission listener)";
    /** Our own node's greylist delay. */
    private static final Duration GREYLIST_DELAY = Duration.ofSeconds(1);

    private final String smtp;
    private final String submission;
    private final URI admin;
    private final String token;
    private final Node node;
    private final MailboxPorts mailboxPorts;

    /** Our own node's loopback ports for reading mail: IMAP with STARTTLS and with implicit TLS, POP3 likewise. */
    public record MailboxPorts(int imap, int imaps, int pop3, int pop3s) {}

    private Target(String smtp, String submission, URI admin, String token, Node node) {
        this(smtp, submission, admin, token, node, null);
    }

    private Target(String smtp, String submission, URI admin, String token, Node node, MailboxPorts mailboxPorts) {
        this.mailboxPorts = mailboxPorts;
        this.smtp = smtp;
        this.submission = submission;
        this.admin = admin;
        this.token = token;
        this.node = node;
    }

    /**
     * The running node the {@code target.*} system properties name (its admin API at least: every
     * workload prepares the node through it), or a node of our own when they name none.
     */
    public static Target fromSystemProperties() {
        String smtp = System.getProperty("target.smtp", "");
        String admin = System.getProperty("target.admin", "");
        if (smtp.isBlank() && admin.isBlank()) {
            return start();
        }
        return new Target(smtp, System.getProperty("target.submission", ""),
                URI.create(required("target.admin")), required("target.token"), null);
    }

    /** Starts a node of our own and waits until it accepts mail. */
    public static Target start() {
        Path jar = nodeJar();
        try {
            Path data = Files.createTempDirectory("postillion-load-");
            int mx = freePort();
            int submission = freePort();
            int admin = freePort();
            String token = UUID.randomUUID().toString();
            MailboxPorts mailboxPorts = new MailboxPorts(freePort(), freePort(), freePort(), freePort());
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dpostillion.data-dir=" + data.resolve("data"),
                    "-Dpostillion.hostname=postillion.load.test",
                    "-Dpostillion.smtp.mx.bind=127.0.0.1", "-Dpostillion.smtp.mx.port=" + mx,
                    "-Dpostillion.smtp.submission.bind=127.0.0.1", "-Dpostillion.smtp.submission.port=" + submission,
                    "-Dpostillion.smtp.submissions.bind=127.0.0.1", "-Dpostillion.smtp.submissions.port=" + freePort(),
                    "-Dpostillion.imap.plain.bind=127.0.0.1", "-Dpostillion.imap.plain.port=" + mailboxPorts.imap(),
                    "-Dpostillion.imap.implicit-tls.bind=127.0.0.1",
                    "-Dpostillion.imap.implicit-tls.port=" + mailboxPorts.imaps(),
                    "-Dpostillion.pop3.plain.bind=127.0.0.1", "-Dpostillion.pop3.plain.port=" + mailboxPorts.pop3(),
                    "-Dpostillion.pop3.implicit-tls.bind=127.0.0.1",
                    "-Dpostillion.pop3.implicit-tls.port=" + mailboxPorts.pop3s(),
                    "-Dpostillion.managesieve.bind=127.0.0.1", "-Dpostillion.managesieve.port=" + freePort(),
                    "-Dpostillion.admin.port=" + admin, "-Dpostillion.admin.token=" + token,
                    "-Dconfig.file=" + writeSettings(data),
                    "-jar", jar.toString()));
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(data.resolve("postillion.log").toFile()).start();
            Node node = new Node(process, data);
            Runtime.getRuntime().addShutdownHook(new Thread(node::stop, "postillion-node-stop"));
            Target target = new Target("127.0.0.1:" + mx, "127.0.0.1:" + submission, URI.create("http://127.0.0.1:" + admin),
                    token, node, mailboxPorts);
            target.awaitHealthy();
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start a Postillion node", e);
        }
    }

    /**
     * The node's settings for load, beside its ports: the file an operator would write as
     * {@code application.conf}.
     */
    private static Path writeSettings(Path directory) throws IOException {
        return Files.writeString(directory.resolve("load.conf"), """
                # as load-tests/bench/accept-vs-postfix.sh: the senders' domains publish nothing
                postillion.spf.enabled = false
                postillion.dkim.enabled = false
                # every load user logs in from 127.0.0.1, and attempts in progress count towards the
                # client network's lockout (README, "SMTP AUTH and the sender guard")
                postillion.smtp.auth.lockout-after = %d
                # the submission load's 20 users send thousands of messages an hour each, far past
                # a user's sending limits (README, "Sending limits"), which are off for the run
                postillion.limits.sending {
                  messages-per-hour = 0
                  messages-per-day = 0
                  recipients-per-hour = 0
                  recipients-per-day = 0
                }
                # Greylisting as on an MX facing the Internet, though the load comes from loopback:
                # only the load's own sender domain is exempt, so that the greylisted users' senders
                # are deferred once and pass on their retry; no network is ever allow-listed for its
                # passes, and the delay is short enough for a run of seconds.
                postillion.greylist {
                  allow-networks = []
                  allow-domains = ["%s"]
                  auto-whitelist = 0
                  delay = %ds
                }
                """.formatted(Integer.MAX_VALUE, InboundMxLoad.SENDER_DOMAIN, GREYLIST_DELAY.toSeconds()));
    }

    /**
     * How long after its first, greylisted, attempt a sender retries: our own node's delay and a
     * second more; for a running node, {@code target.greylist-retry} (its greylist delay and a
     * little), and without it no greylisted load, as the node may exempt the load generator.
     */
    public Optional<Duration> greylistRetry() {
        if (node != null) {
            return Optional.of(GREYLIST_DELAY.plusSeconds(1));
        }
        String retry = System.getProperty("target.greylist-retry", "");
        return retry.isBlank() ? Optional.empty() : Optional.of(Load.duration("target.greylist-retry", retry));
    }

    /** Our own node's IMAP and POP3 ports; a running node's are not known here. */
    public MailboxPorts mailboxPorts() {
        if (mailboxPorts == null) {
            throw new IllegalStateException("the target is a running node: name its IMAP and POP3 listeners yourself");
        }
        return mailboxPorts;
    }

    /** host:port of the MX listener. */
    public String smtp() {
        return smtp;
    }

    public String smtpHost() {
        return host(requiredListener(smtp, "an MX load needs -Dtarget.smtp (host:port of its MX listener)"));
    }

    public int smtpPort() {
        return port(requiredListener(smtp, "an MX load needs -Dtarget.smtp (host:port of its MX listener)"));
    }

    /** host:port of the submission listener; empty when target.smtp names a node without target.submission. */
    public String submission() {
        return submission;
    }

    /** The submission listener's host; a running node named without target.submission has none to load. */
    public String submissionHost() {
        return host(requiredListener(submission, SUBMISSION_NEEDED));
    }

    public int submissionPort() {
        return port(requiredListener(submission, SUBMISSION_NEEDED));
    }

    /** A listener of a running node, which the properties may not have named. */
    private static String requiredListener(String hostAndPort, String need) {
        if (hostAndPort.isBlank()) {
            throw new IllegalStateException("the target is a running node; " + need + " too");
        }
        return hostAndPort;
    }

    private static String host(String hostAndPort) {
        return hostAndPort.substring(0, hostAndPort.lastIndexOf(':'));
    }

    private static int port(String hostAndPort) {
        return Integer.parseInt(hostAndPort.substring(hostAndPort.lastIndexOf(':') + 1));
    }

    /** The admin API's base URL, e.g. {@code http://127.0.0.1:8080}. */
    public URI admin() {
        return admin;
    }

    /** The admin API's bearer token. */
    public String token() {
        return token;
    }

    /** Stops a node of our own (SIGTERM, then waits) and deletes its data; a node named by target.* is left alone. */
    @Override
    public void close() {
        if (node != null) {
            node.stop();
        }
    }

    private void awaitHealthy() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest health = HttpRequest.newBuilder(admin.resolve("/health")).timeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(STARTUP);
        while (Instant.now().isBefore(deadline)) {
            if (!node.process.isAlive()) {
                String log = node.log();
                node.stop();
                throw new IllegalStateException("the Postillion node exited with " + node.process.exitValue()
                        + " before it accepted mail; its log:\n" + log);
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // the admin port opens while the node starts
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            // the next attempt in 100 ms, or at once should the node exit meanwhile
            node.process.onExit().completeOnTimeout(null, 100, TimeUnit.MILLISECONDS).join();
        }
        String log = node.log();
        node.stop();
        throw new IllegalStateException("the Postillion node did not answer 200 on /health within " + STARTUP
                + "; its log:\n" + log);
    }

    /** mta's executable jar, next to this module in the repository. */
    private static Path nodeJar() {
        Path module = moduleDirectory();
        Path jar = module.resolveSibling("mta").resolve("target").resolve("postillion.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no Postillion jar at " + jar + ": build it first with `" + BUILD
                    + "` from the repository's root, or name a running node with -Dtarget.smtp, -Dtarget.admin"
                    + " and -Dtarget.token");
        }
        return jar;
    }

    /** load-tests/: this class is in load-tests/target/test-classes (tests and gatling:test alike). */
    private static Path moduleDirectory() {
        try {
            Path classes = Path.of(Target.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return classes.toAbsolutePath().getParent().getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the load-tests module", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("the target is a running node; it needs -D" + property + " too");
        }
        return value;
    }

    /** A node of our own: its process and its temporary directory (data and log). */
    private record Node(Process process, Path directory) {

        private static final int LOG_TAIL = 60;

        synchronized void stop() {
            if (process.isAlive()) {
                process.destroy();     // SIGTERM: the node drains and closes its stores
                try {
                    if (!process.waitFor(SHUTDOWN.toSeconds(), TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor();
                    }
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
            delete(directory);
        }

        String log() {
            try (Stream<String> lines = Files.lines(directory.resolve("postillion.log"))) {
                List<String> all = lines.toList();
                return String.join("\n", all.subList(Math.max(0, all.size() - LOG_TAIL), all.size()));
            } catch (IOException | UncheckedIOException e) {
                return "(no log: " + e.getMessage() + ")";
            }
        }

        private static void delete(Path directory) {
            if (!Files.exists(directory)) {
                return;
            }
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException("could not delete " + directory, e);
            }
        }
    }
}
