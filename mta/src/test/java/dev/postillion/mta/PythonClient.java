package dev.postillion.mta;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Python script with Debian's {@code /usr/bin/python3}, whose standard library's imaplib,
 * poplib and smtplib are the independent clients the IMAP and POP3 tests talk to the node with.
 * The script prints what it got; the test compares it line by line.
 */
public final class PythonClient {

    private static final String PYTHON = "/usr/bin/python3";

    private PythonClient() {}

    /** The script's standard output, as lines; a script that fails fails the test with its error. */
    public static List<String> run(String script, Object... arguments) {
        try {
            Path file = Files.createTempFile("python-client", ".py");
            try {
                Files.writeString(file, script);
                List<String> command = new ArrayList<>(List.of(PYTHON, file.toString()));
                for (Object argument : arguments) {
                    command.add(String.valueOf(argument));
                }
                Process process = new ProcessBuilder(command).start();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("the Python client did not finish in 60 s");
                }
                String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(0, process.exitValue(), () -> "the Python client failed:\n" + err + "\nafter printing:\n" + out);
                return out.lines().toList();
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + PYTHON + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
