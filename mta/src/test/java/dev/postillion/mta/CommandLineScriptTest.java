package dev.postillion.mta;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/postillion}, the wrapper operators run, as a child process: it runs a jar with
 * {@code java -jar}, the commands and the node itself. The shaded jar is made after the tests, so
 * the jar here is one with the same main class whose manifest names the test class path.
 */
class CommandLineScriptTest {

    private static final Path SCRIPT = Path.of(System.getProperty("user.dir")).getParent().resolve("bin/postillion");

    @TempDir static Path work;
    static TestNode node;
    static Path jar;

    @BeforeAll
    static void start() throws IOException {
        node = TestNode.start(work.resolve("data"));
        jar = launcher(work.resolve("postillion.jar"));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void theScriptRunsTheJarWithItsArgumentsAndEndsWithItsExitStatus() throws Exception {
        String url = "http://127.0.0.1:" + node.node().adminPort();
        Result status = script("status", "--url", url, "--token", TestNode.TOKEN);
        assertEquals(0, status.exit(), status.toString());
        assertTrue(status.out().startsWith("Health:  accepting"), status.toString());

        Result empty = script("queue", "list", "--format", "mailq", "--url", url, "--token", TestNode.TOKEN);
        assertEquals(new Result(0, "Mail queue is empty\n", ""), empty);
        Result completion = script("completion");
        assertEquals(0, completion.exit(), completion.toString());
        assertTrue(completion.out().startsWith("#!/usr/bin/env bash") && completion.out().endsWith(" postillion.bash\n"),
                completion.toString());

        Result refused = script("domain", "list", "--url", url, "--token", "wrong");
        assertEquals(4, refused.exit(), refused.toString());
        assertTrue(refused.err().startsWith("postillion domain list: not authorized: invalid bearer token"),
                refused.toString());
    }

    /**
     * {@code postillion serve} starts a node, which makes its admin token in its data directory,
     * where the admin commands find it; SIGTERM stops the node as systemd does.
     */
    @Test
    @Tag("process")
    void serveStartsANodeWhoseTokenTheCommandsReadFromItsDataDirectory(@TempDir Path served) throws Exception {
        Path dataDir = served.resolve("data");
        Path log = served.resolve("node.log");
        ProcessBuilder builder = script(List.of("serve"));
        // The node's INFO lines, its "is up" among them, as ChildNode's nodes log them.
        builder.environment().put("JAVA_OPTS", String.join(" ", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dlogback.configurationFile=child-logback.xml",
                "-Dpostillion.data-dir=" + dataDir, "-Dpostillion.hostname=mx.test", "-Dpostillion.admin.port=0",
                "-Dpostillion.smtp.mx.bind=127.0.0.1", "-Dpostillion.smtp.mx.port=0", "-Dpostillion.smtp.submission.port=0",
                "-Dpostillion.smtp.submissions.port=0", "-Dpostillion.imap.plain.port=0",
                "-Dpostillion.imap.implicit-tls.port=0", "-Dpostillion.pop3.plain.port=0",
                "-Dpostillion.pop3.implicit-tls.port=0", "-Dpostillion.managesieve.port=0", "-Dpostillion.spf.enabled=false",
                "-Dpostillion.dkim.enabled=false"));
        Process serve = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean stopped = false;
        try {
            // Its admin port, which the system picked, as the node's "is up" line names it.
            Matcher up = await("the node is up").atMost(Duration.ofSeconds(90))
                    .failFast("the node exited", () -> !serve.isAlive())
                    .until(() -> ChildNode.UP.matcher(Files.readString(log)), Matcher::find);
            String url = "http://127.0.0.1:" + up.group(2);
            await("the node accepts mail").atMost(Duration.ofSeconds(30))
                    .until(() -> script("status", "--url", url, "--data-dir", dataDir.toString()).exit() == 0);
        } finally {
            serve.destroy();
            stopped = serve.waitFor(60, TimeUnit.SECONDS);
            if (!stopped) {
                serve.destroyForcibly(); // no node left running, holding its ports, after the test
            }
        }
        assertTrue(stopped, "the node did not stop within 60 seconds of SIGTERM");
        assertEquals(143, serve.exitValue(), Files.readString(log));
    }

    private record Result(int exit, String out, String err) {}

    private static Result script(String... args) throws Exception {
        ProcessBuilder builder = script(List.of(args));
        builder.redirectOutput(work.resolve("out").toFile()).redirectError(work.resolve("err").toFile());
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("bin/postillion did not end within 60 seconds");
        }
        return new Result(process.exitValue(), Files.readString(work.resolve("out")), Files.readString(work.resolve("err")));
    }

    private static ProcessBuilder script(List<String> args) {
        List<String> command = new ArrayList<>(List.of(SCRIPT.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("POSTILLION_JAR", jar.toString());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("POSTILLION_ADMIN_TOKEN");
        builder.environment().remove("POSTILLION_URL");
        builder.environment().remove("POSTILLION_DATA_DIR");
        return builder;
    }

    /** A jar of nothing but a manifest: Main, and the test class path as its Class-Path. */
    private static Path launcher(Path file) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
        StringJoiner classPath = new StringJoiner(" ");
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            classPath.add(Path.of(entry).toAbsolutePath().toUri().toString());
        }
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath.toString());
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
        return file;
    }
}
