package dev.postillion.mta.policy.dkim;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * dkimpy (Debian's python3-dkim), an independent DKIM implementation, verifying what we sign:
 * runs {@code dkim/dkimpy_verify.py} with Debian's Python, which has the package (the
 * {@code python3} found first on a PATH may be another without it). A machine without it fails the
 * test, saying what to install: CI installs it in {@code .ci/run}.
 */
public final class Dkimpy {

    private static final String PYTHON = "/usr/bin/python3";
    private static final String INSTALL = "dkimpy is needed to check DKIM signatures: install python3-dkim"
            + " (apt-get install -y python3-dkim), whose Python is " + PYTHON;
    private static final int MISSING = 3;

    private Dkimpy() {}

    /**
     * @param message the message with its DKIM-Signature fields
     * @param recordsJson key records as the admin API answers: {@code {"records":[{"name","type","value"}]}}
     * @return one line per signature, top first: {@code "0 pass ed25519-sha256"}, {@code "1 fail <why>"}
     */
    public static List<String> verify(byte[] message, String recordsJson) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("dkimpy");
        try {
            Path messageFile = Files.write(dir.resolve("message.eml"), message);
            Path recordsFile = Files.writeString(dir.resolve("records.json"), recordsJson);
            return run(messageFile, recordsFile);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(dir);
        }
    }

    private static List<String> run(Path messageFile, Path recordsFile) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            fail(INSTALL);
        }
        Process python = new ProcessBuilder(PYTHON, script().toString(), messageFile.toString(), recordsFile.toString())
                .redirectErrorStream(true).start();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!python.waitFor(60, TimeUnit.SECONDS)) {
            python.destroyForcibly();
            fail("dkimpy did not finish within a minute");
        }
        if (python.exitValue() == MISSING) {
            fail(INSTALL);
        }
        if (python.exitValue() != 0) {
            fail("dkimpy failed (exit " + python.exitValue() + "): " + output);
        }
        return output.lines().toList();
    }

    private static Path script() {
        try {
            return Path.of(Dkimpy.class.getResource("/dkim/dkimpy_verify.py").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
