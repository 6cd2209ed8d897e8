package dev.postillion.core;

import dev.postillion.core.store.PostgresSettings;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server from Debian's packages for the tests of the shared store: initdb in
 * a temporary directory and pg_ctl on a free loopback port, no system service. One server per test
 * JVM, started on first use and stopped when the JVM exits; each caller gets a database of its own.
 *
 * <p>PostgreSQL refuses to run as root, so under root (CI's containers) the server runs as the
 * {@code postgres} user the Debian package creates.
 */
public final class TestPostgres {

    private static final String USER = "postillion";
    private static final AtomicInteger databases = new AtomicInteger();
    private static TestPostgres server;

    private final Path directory;
    private final Path binaries;
    private final int port;

    private TestPostgres(Path directory, Path binaries, int port) {
        this.directory = directory;
        this.binaries = binaries;
        this.port = port;
    }

    /** Settings for a new, empty database on the test server. */
    public static synchronized PostgresSettings newDatabase() {
        if (server == null) {
            server = start();
        }
        String name = "test_" + databases.incrementAndGet();
        try (Connection admin = DriverManager.getConnection(server.url("postgres"), USER, "");
                Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return new PostgresSettings(server.url(name), USER, "", 4, Duration.ofSeconds(5));
    }

    /** Stops the test server, as an outage does; {@link #restartServer} brings it back on its data. */
    public static synchronized void stopServer() {
        try {
            server.run("pg_ctl", "-D", server.directory.resolve("data").toString(), "-m", "fast", "-w", "stop");
        } catch (IOException e) {
            throw new IllegalStateException("cannot stop the test PostgreSQL server", e);
        }
    }

    /** Starts the stopped test server again, on the same port and data. */
    public static synchronized void restartServer() {
        try {
            server.startOnItsPort();
        } catch (IOException e) {
            throw new IllegalStateException("cannot restart the test PostgreSQL server", e);
        }
    }

    private void startOnItsPort() throws IOException {
        run("pg_ctl", "-D", directory.resolve("data").toString(), "-l", directory.resolve("server.log").toString(),
                "-w", "-t", "60", "-o", "-p " + port + " -k " + directory + " -c listen_addresses=127.0.0.1", "start");
    }

    private String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private static TestPostgres start() {
        try {
            Path binaries = binaries();
            Path directory = Files.createTempDirectory("postillion-pg");
            if (runningAsRoot()) {
                UserPrincipal postgres = directory.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByName("postgres");
                Files.setOwner(directory, postgres);
            }
            int port;
            try (ServerSocket probe = new ServerSocket(0)) {
                port = probe.getLocalPort();
            }
            TestPostgres started = new TestPostgres(directory, binaries, port);
            started.run("initdb", "-D", directory.resolve("data").toString(), "-U", USER, "--auth=trust",
                    "--encoding=UTF8", "--no-locale", "--no-sync");
            started.startOnItsPort();
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "test-postgres-stop"));
            return started;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a test PostgreSQL server", e);
        }
    }

    private void stop() {
        try {
            run("pg_ctl", "-D", directory.resolve("data").toString(), "-m", "immediate", "stop");
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("test PostgreSQL under " + directory + " not stopped: " + e.getMessage());
        }
    }

    private void run(String program, String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        if (runningAsRoot()) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(binaries.resolve(program).toString());
        command.addAll(List.of(arguments));
        Path output = Files.createTempFile("postillion-pg", ".out");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed: " + Files.readString(output));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(program + " interrupted", e);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** The newest server installed by Debian's postgresql package. */
    private static Path binaries() throws IOException {
        Path versions = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(versions)) {
            throw new IllegalStateException("PostgreSQL is not installed: apt-get install postgresql (see .ci/run)");
        }
        try (Stream<Path> installed = Files.list(versions)) {
            return installed.map(version -> version.resolve("bin"))
                    .filter(bin -> Files.isExecutable(bin.resolve("initdb")))
                    .max(Comparator.comparingInt(bin -> Integer.parseInt(bin.getParent().getFileName().toString())))
                    .orElseThrow(() -> new IllegalStateException("no initdb under " + versions));
        }
    }

    private static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
