package dev.postillion.auth.dkim;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * dkimpy (Debian's python3-dkim), an independent DKIM implementation, verifying what we sign:
 * runs {@code dkim/dkimpy_verify.py} with Debian's Python, which has the package (the
 * {@code python3} found first on a PATH may be another without it). A machine without it fails the
 * test, saying what to install: CI installs it in {@code .ci/run}.
 */
public final class Dkimpy {

    private static final Map<String, Path> SCRIPTS = new ConcurrentHashMap<>();

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

    /**
     * dkimpy as one long-lived process ({@code dkim/dkimpy_server.py}), for tests that sign and
     * verify thousands of messages: one request and one answer per line, no process per message.
     */
    public static Server server() throws IOException {
        checkInstalled();
        return new Server(new ProcessBuilder(PYTHON, script("dkimpy_server.py").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    /** A running {@code dkimpy_server.py}, signing as {@code d=example.com}. */
    public static final class Server implements AutoCloseable {

        private final Process python;
        private final Writer requests;
        private final BufferedReader answers;

        private Server(Process python) {
            this.python = python;
            this.requests = new OutputStreamWriter(python.getOutputStream(), StandardCharsets.US_ASCII);
            this.answers = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.US_ASCII));
        }

        /**
         * @param privateKey what dkimpy signs with: a PEM private key, or the base64 of an Ed25519 seed
         * @param record the TXT record published at {@code <selector>._domainkey.example.com}
         */
        public void key(String selector, String privateKey, String record) throws IOException {
            String answer = ask("key " + selector + " " + base64(privateKey.getBytes(StandardCharsets.US_ASCII))
                    + " " + base64(record.getBytes(StandardCharsets.US_ASCII)));
            if (!answer.equals("ok")) {
                fail("dkimpy did not take the key " + selector + ": " + answer);
            }
        }

        /**
         * @param canonicalization the {@code c=} value, e.g. "relaxed/simple"
         * @return "ok " and the DKIM-Signature field with its CRLF, or "fail"/"error" and why
         */
        public String sign(byte[] message, String selector, String algorithm, String canonicalization,
                boolean bodyLength) throws IOException {
            String answer = ask("sign " + selector + " " + algorithm + " " + canonicalization + " "
                    + (bodyLength ? 1 : 0) + " " + base64(message));
            return answer.startsWith("ok ")
                    ? "ok " + new String(Base64.getDecoder().decode(answer.substring(3)), StandardCharsets.US_ASCII)
                    : answer;
        }

        /** @return "pass", or "fail"/"error" and why, for the topmost signature */
        public String verify(byte[] message) throws IOException {
            return ask("verify " + base64(message));
        }

        private String ask(String request) throws IOException {
            requests.write(request);
            requests.write('\n');
            requests.flush();
            String answer = answers.readLine();
            if (answer == null) {
                fail("dkimpy ended (exit " + exitValue() + ")");
            }
            return answer;
        }

        private String exitValue() {
            try {
                return python.waitFor(10, TimeUnit.SECONDS) ? String.valueOf(python.exitValue()) : "still running";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "unknown";
            }
        }

        private static String base64(byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }

        @Override
        public void close() throws IOException, InterruptedException {
            requests.close();
            if (!python.waitFor(10, TimeUnit.SECONDS)) {
                python.destroyForcibly();
            }
            if (python.exitValue() == MISSING) {
                fail(INSTALL);
            }
        }
    }

    private static void checkInstalled() {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            fail(INSTALL);
        }
    }

    private static List<String> run(Path messageFile, Path recordsFile) throws IOException, InterruptedException {
        checkInstalled();
        Process python = new ProcessBuilder(PYTHON, script("dkimpy_verify.py").toString(), messageFile.toString(),
                        recordsFile.toString())
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

    /** The script as a file python can run: in place, or copied out of the test-jar other modules use. */
    private static Path script(String name) {
        return SCRIPTS.computeIfAbsent(name, Dkimpy::scriptFile);
    }

    private static Path scriptFile(String name) {
        URL resource = Dkimpy.class.getResource("/dkim/" + name);
        try {
            if ("file".equals(resource.getProtocol())) {
                return Path.of(resource.toURI());
            }
            Path copy = Files.createTempFile("dkimpy-", "-" + name);
            copy.toFile().deleteOnExit();
            try (InputStream in = resource.openStream()) {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            return copy;
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException("cannot read the dkimpy script " + name, e);
        }
    }
}
