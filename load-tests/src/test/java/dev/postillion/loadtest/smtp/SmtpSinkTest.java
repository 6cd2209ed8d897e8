package dev.postillion.loadtest.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.loadtest.GatlingInThisJvm;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SMTP protocol against another implementation: Postfix's {@code smtp-sink} (Debian's postfix
 * package) takes {@link SmtpSinkSimulation}'s messages, pipelined, and dumps each transaction to a
 * file; every message is there once, with its envelope, and its body reads back as it was written,
 * leading periods and UTF-8 included (smtp-sink undoes the dot-stuffing, RFC 5321 §4.5.2).
 */
class SmtpSinkTest {

    private static final Duration START = Duration.ofSeconds(10);

    @TempDir Path directory;

    @Test
    void everyMessageReachesSmtpSinkAsItWasWritten() throws Exception {
        int port = freePort();
        Process sink = startSink(port);
        try {
            awaitListening(sink, port);
            GatlingInThisJvm.requirePassing(SmtpSinkSimulation.class, Map.of("smtp.port", Integer.toString(port)));
        } finally {
            sink.destroy();
            sink.waitFor(10, TimeUnit.SECONDS);
        }

        List<Path> files;
        try (Stream<Path> walk = Files.walk(dumps())) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertEquals(SmtpSinkSimulation.USERS * SmtpSinkSimulation.MESSAGES_EACH, files.size(), "one dump a message");
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            assertTrue(lines.contains("X-Mail-Args: <" + SmtpSinkSimulation.SENDER + ">"), String.join("\n", lines));
            for (String recipient : SmtpSinkSimulation.RECIPIENTS) {
                assertTrue(lines.contains("X-Rcpt-Args: <" + recipient + ">"), String.join("\n", lines));
            }
            assertEquals(Arrays.asList(SmtpSinkSimulation.BODY.split("\n")), body(lines), "the body of " + file);
        }
    }

    /** The text part's lines: after the blank line that ends the part's own headers, to the end (smtp-sink adds a blank line). */
    private static List<String> body(List<String> dump) {
        int partHeaders = dump.indexOf("Content-Transfer-Encoding: 8bit");
        assertTrue(partHeaders >= 0, () -> "a UTF-8 text part in\n" + String.join("\n", dump));
        List<String> body = new ArrayList<>(dump.subList(partHeaders + 2, dump.size()));
        while (!body.isEmpty() && body.get(body.size() - 1).isEmpty()) {
            body.remove(body.size() - 1);
        }
        return body;
    }

    private Path dumps() {
        return directory.resolve("dumps");
    }

    /** smtp-sink, dumping each transaction into a file of its own under {@link #dumps()}. */
    private Process startSink(int port) throws IOException {
        // run as root, smtp-sink drops to nobody once it has its socket; nobody must reach and write the dumps
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx--x--x"));
        Files.createDirectory(dumps());
        Files.setPosixFilePermissions(dumps(), PosixFilePermissions.fromString("rwxrwxrwx"));
        List<String> command = new ArrayList<>(List.of("smtp-sink"));
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("-u", "nobody"));
        }
        command.addAll(List.of("-d", dumps() + "/%M.", "127.0.0.1:" + port, "64"));
        try {
            return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(directory.resolve("sink.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new IOException("smtp-sink did not start: install Debian's postfix package (.ci/run does)", e);
        }
    }

    private void awaitListening(Process sink, int port) throws IOException {
        Instant deadline = Instant.now().plus(START);
        while (Instant.now().isBefore(deadline)) {
            assertTrue(sink.isAlive(), () -> "smtp-sink exited: " + log());
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                // it binds a moment after it starts; try again in 50 ms, or at once should it exit
                sink.onExit().completeOnTimeout(null, 50, TimeUnit.MILLISECONDS).join();
            }
        }
        throw new AssertionError("smtp-sink did not listen on " + port + " within " + START + ": " + log());
    }

    private String log() {
        try {
            return Files.readString(directory.resolve("sink.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
