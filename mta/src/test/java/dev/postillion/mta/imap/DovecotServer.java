package dev.postillion.mta.imap;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A throwaway Dovecot (Debian's dovecot-imapd, 2.3) on loopback, for comparing our FETCH answers
 * with an independent server's, and as the other server mailbox imports read from. It runs in the foreground under the test's control, with its
 * configuration, state, sockets, logs and one user's maildir all inside a temporary directory.
 *
 * <p>What it takes to run it without the system's configuration, as found on Debian 12:
 * <ul>
 *   <li>imap-login refuses to run as root and mail is never read as root, whatever the
 *       configuration says. When the tests run as root (as on CI) the login and internal
 *       processes run as {@code nobody} and the mail user is uid/gid 65534, the maildir being
 *       chowned to it; as any other user everything runs as that user.
 *   <li>no chroot for imap-login and anvil (chrooting needs root and a prepared directory);
 *   <li>{@code first_valid_uid}/{@code first_valid_gid} lowered so uids of system users pass;
 *   <li>{@code default_internal_group} set to the user's own group: a master not run as root
 *       cannot give its sockets to the "dovecot" group (checked by running the same
 *       configuration as uid 65534 by hand).
 * </ul>
 */
public final class DovecotServer implements AutoCloseable {

    /** A message to APPEND: {@code flags} as IMAP writes them, {@code internalDate} as date-time (RFC 9051). */
    public record Appended(String folder, String flags, String internalDate, byte[] content) {}

    private static final int NOBODY = 65534;

    private final Path directory;
    private final Process process;
    private final int port;

    private DovecotServer(Path directory, Process process, int port) {
        this.directory = directory;
        this.process = process;
        this.port = port;
    }

    /** The dovecot binary on PATH or in /usr/sbin, if installed. */
    public static Optional<Path> binary() {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/local/sbin";
        return Stream.of(path.split(":"))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, "dovecot"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** Starts Dovecot with {@code users} (any password "pass"), each with INBOX holding {@code messages}. */
    static DovecotServer start(Path binary, Path directory, List<String> users, List<byte[]> messages) throws Exception {
        return start(binary, directory, users, messages, "");
    }

    /**
     * Starts Dovecot as {@link #start(Path, Path, List, List)} does, with {@code settings} added to
     * its configuration (a namespace with special-use folders, say).
     */
    public static DovecotServer start(Path binary, Path directory, List<String> users, List<byte[]> messages,
            String settings) throws Exception {
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String mailbox : users) {
            Path maildir = directory.resolve("mail").resolve(mailbox);
            for (String sub : List.of("new", "cur", "tmp")) {
                Files.createDirectories(maildir.resolve(sub));
            }
            for (int i = 0; i < messages.size(); i++) {
                Files.write(maildir.resolve("new").resolve(String.format("%05d.corpus", i)), messages.get(i));
            }
        }
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        int gid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
        String user = System.getProperty("user.name");
        if (uid == 0) {
            chownTree(directory.resolve("mail"), NOBODY);
            uid = NOBODY;
            gid = NOBODY;
            user = "nobody";
        }
        int port = freePort();
        Path config = directory.resolve("dovecot.conf");
        Files.writeString(config, config(directory, user, groupName(gid), uid, gid, port) + settings);
        Process process = new ProcessBuilder(binary.toString(), "-F", "-c", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("dovecot.out").toFile())
                .start();
        DovecotServer server = new DovecotServer(directory, process, port);
        server.awaitListening();
        return server;
    }

    /**
     * The configuration that worked; {@code user} and {@code group} run the login and internal
     * processes, and {@code uid}/{@code gid} own the mail.
     */
    static String config(Path directory, String user, String group, int uid, int gid, int port) {
        return """
                protocols = imap
                listen = 127.0.0.1
                base_dir = %1$s/run
                state_dir = %1$s/state
                log_path = %1$s/dovecot.log
                ssl = no
                disable_plaintext_auth = no
                auth_mechanisms = plain
                default_internal_user = %2$s
                default_login_user = %2$s
                default_internal_group = %6$s
                first_valid_uid = 1
                first_valid_gid = 1
                mail_location = maildir:%1$s/mail/%%u
                passdb {
                  driver = static
                  args = password=pass
                }
                userdb {
                  driver = static
                  args = uid=%3$d gid=%4$d home=%1$s/mail/%%u
                }
                service imap-login {
                  chroot =
                  inet_listener imap {
                    address = 127.0.0.1
                    port = %5$d
                  }
                }
                service anvil {
                  chroot =
                }
                """.formatted(directory, user, uid, gid, port, group);
    }

    /**
     * Logs in as {@code mailUser}, selects INBOX, runs {@code FETCH 1:* (items)} for each of {@code fetches} in turn
     * and returns, per message, the items of all of them.
     */
    List<FetchResponse> fetchAll(String mailUser, List<String> fetches) throws IOException {
        java.util.SortedMap<Integer, Map<String, byte[]>> items = new java.util.TreeMap<>();
        List<String> commands = new java.util.ArrayList<>();
        fetches.forEach(fetch -> commands.add("FETCH 1:* (" + fetch + ")"));
        session(mailUser, commands, (i, answer) -> merge(items, answer));
        return responses(items);
    }

    public int port() {
        return port;
    }

    /**
     * Logs in as {@code mailUser}, creates {@code folders} and appends {@code messages}, each with
     * a non-synchronizing literal (RFC 7888 LITERAL+, which Dovecot offers).
     */
    public void append(String mailUser, List<String> folders, List<Appended> messages) throws IOException {
        loggedIn(mailUser, (out, responses) -> {
            for (String folder : folders) {
                command(out, responses, "c CREATE \"" + folder + "\"");
            }
            for (Appended message : messages) {
                out.write(("p APPEND \"" + message.folder() + "\" (" + message.flags() + ") \"" + message.internalDate()
                        + "\" {" + message.content().length + "+}\r\n").getBytes(StandardCharsets.UTF_8));
                out.write(message.content());
                send(out, "");
                List<byte[]> answer = responses.untilTagged("p");
                String last = new String(answer.get(answer.size() - 1), StandardCharsets.UTF_8);
                if (!last.startsWith("p OK")) {
                    throw new IOException("Dovecot refused APPEND to " + message.folder() + ": " + last);
                }
            }
        });
    }

    /** Dovecot's untagged SEARCH line for each command (a whole SEARCH command, literals in it). */
    List<String> searches(String mailUser, List<String> searches) throws IOException {
        List<String> found = new java.util.ArrayList<>();
        session(mailUser, searches, (i, answer) -> found.add(answer.stream()
                .map(line -> new String(line, StandardCharsets.UTF_8).strip())
                .filter(line -> line.startsWith("* SEARCH")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no SEARCH answer to " + searches.get(i)))));
        return found;
    }

    /**
     * FETCH {@code items} of each of the first {@code count} messages, one command each: a
     * message Dovecot refuses has the tagged NO, or "disconnected" when Dovecot ends the session
     * over it (a new one goes on with the next message), as its item "NO".
     */
    List<FetchResponse> fetchEach(String mailUser, int count, String items) throws IOException {
        java.util.SortedMap<Integer, Map<String, byte[]>> fetched = new java.util.TreeMap<>();
        int next = 1;
        while (next <= count) {
            List<String> commands = new java.util.ArrayList<>();
            for (int i = next; i <= count; i++) {
                commands.add("FETCH " + i + " (" + items + ")");
            }
            int first = next;
            int[] answered = {0};
            try {
                session(mailUser, commands, (i, answer) -> {
                    merge(fetched, answer);
                    byte[] tagged = answer.get(answer.size() - 1);
                    if (new String(tagged, StandardCharsets.US_ASCII).startsWith("f" + i + " NO ")) {
                        fetched.computeIfAbsent(first + i, n -> new java.util.LinkedHashMap<>()).put("NO", tagged);
                    }
                    answered[0]++;
                });
                next = count + 1;
            } catch (IOException e) {
                int refused = next + answered[0];
                fetched.put(refused, new java.util.LinkedHashMap<>(Map.of("NO",
                        "disconnected".getBytes(StandardCharsets.US_ASCII))));
                next = refused + 1;
            }
        }
        return responses(fetched);
    }

    private static void merge(java.util.SortedMap<Integer, Map<String, byte[]>> items, List<byte[]> answer) {
        for (byte[] response : answer) {
            if (FetchResponse.isFetch(response)) {
                FetchResponse fetched = FetchResponse.parse(response);
                items.computeIfAbsent(fetched.number(), n -> new java.util.LinkedHashMap<>()).putAll(fetched.items());
            }
        }
    }

    private static List<FetchResponse> responses(java.util.SortedMap<Integer, Map<String, byte[]>> items) {
        return items.entrySet().stream().map(e -> new FetchResponse(e.getKey(), e.getValue())).toList();
    }

    /** Logs in as {@code mailUser}, selects INBOX, and hands each command's responses (tagged "f" + index) on. */
    private void session(String mailUser, List<String> commands,
            java.util.function.BiConsumer<Integer, List<byte[]>> answers) throws IOException {
        loggedIn(mailUser, (out, responses) -> {
            command(out, responses, "b SELECT INBOX");
            for (int i = 0; i < commands.size(); i++) {
                String tag = "f" + i;
                send(out, tag + " " + commands.get(i));
                answers.accept(i, responses.untilTagged(tag));
            }
        });
    }

    /** What a session does between LOGIN and LOGOUT. */
    private interface Conversation {
        void run(OutputStream out, ImapResponses responses) throws IOException;
    }

    private void loggedIn(String mailUser, Conversation conversation) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(60_000);
            ImapResponses responses = new ImapResponses(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            responses.greeting();
            command(out, responses, "a LOGIN " + mailUser + " pass");
            conversation.run(out, responses);
            command(out, responses, "z LOGOUT");
        }
    }

    public String log() {
        try {
            return Files.readString(directory.resolve("dovecot.log")) + Files.readString(directory.resolve("dovecot.out"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Stops the master, which stops its processes (SIGTERM), then waits for it. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void command(OutputStream out, ImapResponses responses, String line) throws IOException {
        send(out, line);
        List<byte[]> answer = responses.untilTagged(line.substring(0, line.indexOf(' ')));
        String last = new String(answer.get(answer.size() - 1), StandardCharsets.UTF_8);
        if (!last.contains(" OK ")) {
            throw new IOException("Dovecot refused " + line + ": " + last);
        }
    }

    private static void send(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void awaitListening() {
        await("dovecot listening on " + port).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("dovecot exited: " + log());
                    }
                    try (Socket probe = new Socket()) {
                        probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                        return true;
                    } catch (IOException notYet) {
                        return false;
                    }
                });
    }

    /** The name of the group with that id, from /etc/group (Dovecot's settings take names). */
    private static String groupName(int gid) throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/etc/group"))) {
            return lines.map(line -> line.split(":"))
                    .filter(fields -> fields.length > 2 && fields[2].equals(Integer.toString(gid)))
                    .map(fields -> fields[0])
                    .findFirst()
                    .orElseThrow(() -> new IOException("no group " + gid + " in /etc/group"));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void chownTree(Path root, int id) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.toList()) {
                Files.setAttribute(path, "unix:uid", id);
                Files.setAttribute(path, "unix:gid", id);
            }
        }
    }

    /** Reads IMAP responses, each a line with any literals it announces ({n}CRLF then n octets). */
    static final class ImapResponses {
        private final InputStream in;

        ImapResponses(InputStream in) {
            this.in = new java.io.BufferedInputStream(in);
        }

        void greeting() throws IOException {
            next();
        }

        List<byte[]> untilTagged(String tag) throws IOException {
            List<byte[]> responses = new java.util.ArrayList<>();
            byte[] prefix = (tag + " ").getBytes(StandardCharsets.US_ASCII);
            while (true) {
                byte[] response = next();
                responses.add(response);
                if (java.util.Arrays.equals(response, 0, Math.min(prefix.length, response.length), prefix, 0, prefix.length)) {
                    return responses;
                }
            }
        }

        private byte[] next() throws IOException {
            java.io.ByteArrayOutputStream response = new java.io.ByteArrayOutputStream();
            while (true) {
                byte[] line = line();
                response.writeBytes(line);
                int literal = announcedLiteral(line);
                if (literal < 0) {
                    return response.toByteArray();
                }
                response.writeBytes(in.readNBytes(literal));
            }
        }

        private byte[] line() throws IOException {
            java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                line.write(b);
                if (b == '\n') {
                    return line.toByteArray();
                }
            }
            throw new IOException("connection closed after " + line);
        }

        /** n when the line ends with {n}CRLF, else -1. */
        private static int announcedLiteral(byte[] line) {
            int end = line.length - 2;
            if (end < 2 || line[end] != '\r' || line[end - 1] != '}') {
                return -1;
            }
            int open = end - 2;
            while (open >= 0 && Character.isDigit(line[open])) {
                open--;
            }
            if (open < 0 || line[open] != '{' || open == end - 2) {
                return -1;
            }
            return Integer.parseInt(new String(line, open + 1, end - 2 - open, StandardCharsets.US_ASCII));
        }
    }
}
