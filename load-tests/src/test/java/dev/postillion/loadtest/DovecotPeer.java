package dev.postillion.loadtest;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Dovecot on loopback, an IMAP and POP3 server independent of ours, started by the benchmarks'
 * {@code bench/dovecot-peer.sh} (one way to run it here) in a directory of the test's: its users'
 * maildirs are written before it starts, and every user's password is {@value #PASSWORD}.
 */
public final class DovecotPeer implements AutoCloseable {

    public static final String PASSWORD = "pass";

    private final Path directory;
    private final int imapPort;
    private final int pop3Port;

    private DovecotPeer(Path directory, int imapPort, int pop3Port) {
        this.directory = directory;
        this.imapPort = imapPort;
        this.pop3Port = pop3Port;
    }

    /** Starts Dovecot with no mail yet; skips the test without it. */
    public static DovecotPeer start(Path directory) throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/dovecot")), "Debian's dovecot-imapd and dovecot-pop3d are installed");
        DovecotPeer peer = new DovecotPeer(directory, freePort(), freePort());
        Files.createDirectories(directory.resolve("mail"));
        peer.script("start", Integer.toString(peer.imapPort), Integer.toString(peer.pop3Port), PASSWORD);
        return peer;
    }

    /**
     * Delivers a message to the user's INBOX as a local delivery agent does: written under tmp/,
     * then moved into new/ (the Maildir convention), where Dovecot finds it; owned by whom the
     * script gave the mail to. Line ends become CRLF.
     */
    public void deliver(String user, String message) throws IOException {
        Path mail = directory.resolve("mail");
        Path maildir = mail.resolve(user);
        for (String part : List.of("tmp", "new", "cur")) {
            ownedAsMail(Files.createDirectories(maildir.resolve(part)));
        }
        ownedAsMail(maildir);
        String name = System.nanoTime() + ".peer";
        Path written = Files.writeString(maildir.resolve("tmp").resolve(name), message.replaceAll("\r?\n", "\r\n"),
                StandardCharsets.UTF_8);
        Files.move(ownedAsMail(written), maildir.resolve("new").resolve(name));
    }

    private Path ownedAsMail(Path path) throws IOException {
        Path mail = directory.resolve("mail");
        Files.setAttribute(path, "unix:uid", Files.getAttribute(mail, "unix:uid"));
        Files.setAttribute(path, "unix:gid", Files.getAttribute(mail, "unix:gid"));
        return path;
    }

    public int imapPort() {
        return imapPort;
    }

    public int pop3Port() {
        return pop3Port;
    }

    @Override
    public void close() throws IOException {
        script("stop");
    }

    private void script(String... arguments) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("bash", script().toString(), arguments[0],
                directory.toString()));
        command.addAll(List.of(arguments).subList(1, arguments.length));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                process.destroyForcibly();
                throw new IOException("dovecot-peer.sh " + String.join(" ", arguments) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running dovecot-peer.sh", e);
        }
    }

    /** load-tests/bench/dovecot-peer.sh: this class is in load-tests/target/test-classes. */
    private static Path script() {
        try {
            Path classes = Path.of(DovecotPeer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return classes.toAbsolutePath().getParent().getParent().resolve("bench").resolve("dovecot-peer.sh");
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the load-tests module", e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
