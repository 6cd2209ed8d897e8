package dev.postillion.loadtest.smtp;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A scripted SMTP server on a loopback socket, a thread per connection (it is a test's). It
 * answers every command as an MTA would unless a test scripts another reply, a delay, or a close
 * in the middle of DATA, and records what it received: each line, whether more was already
 * waiting behind it (the client pipelined), each message's lines as they came, and credentials.
 */
final class FakeSmtpServer implements AutoCloseable {

    /** A line the server read, and whether the client had written more before reading its reply. */
    record Received(String line, boolean moreWaiting, boolean secure) {}

    private record Scripted(String commandPrefix, List<String> replyLines) {}

    private record Delayed(String commandPrefix, Duration delay) {}

    private final ServerSocket listener;
    private final SSLContext tls;
    private final boolean implicitTls;
    private final ExecutorService sessions = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "fake-smtp");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Scripted> scripted = new CopyOnWriteArrayList<>();
    private final List<Delayed> delays = new CopyOnWriteArrayList<>();
    private volatile int closeAfterDataLines = -1;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<List<String>> messages = new CopyOnWriteArrayList<>();
    private final List<String> credentials = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger queueIds = new AtomicInteger();

    private FakeSmtpServer(SSLContext tls, boolean implicitTls) throws IOException {
        this.tls = tls;
        this.implicitTls = implicitTls;
        this.listener = implicitTls
                ? tls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress())
                : new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        sessions.execute(this::accept);
    }

    /** A server that offers STARTTLS only if given a TLS context. */
    static FakeSmtpServer start(SSLContext startTls) throws IOException {
        return new FakeSmtpServer(startTls, false);
    }

    static FakeSmtpServer start() throws IOException {
        return new FakeSmtpServer(null, false);
    }

    /** TLS from the first byte, as on port 465. */
    static FakeSmtpServer startImplicitTls(SSLContext tls) throws IOException {
        return new FakeSmtpServer(tls, true);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Answers commands that start with {@code commandPrefix} (any case) with these reply lines. */
    FakeSmtpServer reply(String commandPrefix, String... replyLines) {
        scripted.add(0, new Scripted(commandPrefix.toUpperCase(Locale.ROOT), List.of(replyLines)));
        return this;
    }

    /** Waits this long before answering commands that start with {@code commandPrefix}. */
    FakeSmtpServer delay(String commandPrefix, Duration delay) {
        delays.add(new Delayed(commandPrefix.toUpperCase(Locale.ROOT), delay));
        return this;
    }

    /** After its 354, reads this many lines of the message and closes the connection. */
    FakeSmtpServer closeDuringData(int afterLines) {
        closeAfterDataLines = afterLines;
        return this;
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    /** The lines of the command verbs received, in order: "EHLO", "MAIL", ... */
    List<String> verbs() {
        return received.stream().map(line -> line.line().split("[ :]", 2)[0].toUpperCase(Locale.ROOT)).toList();
    }

    /** Each message's lines as they came over the wire, dot-stuffing included, without the final ".". */
    List<List<String>> messages() {
        return List.copyOf(messages);
    }

    /** "user:password" for each AUTH, decoded. */
    List<String> credentials() {
        return List.copyOf(credentials);
    }

    int connections() {
        return connections.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                connections.incrementAndGet();
                sessions.execute(() -> converse(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void converse(Socket socket) {
        try (Connection connection = new Connection(socket, implicitTls)) {
            connection.write("220 fake.test ESMTP");
            String line;
            while ((line = connection.readLine()) != null) {
                received.add(new Received(line, connection.moreWaiting(), connection.secure));
                String command = line.toUpperCase(Locale.ROOT);
                pause(command);
                if (!answer(connection, command)) {
                    return;
                }
            }
        } catch (IOException gone) {
            // the client went away or the TLS handshake failed: this conversation is over
        }
    }

    /** @return whether the conversation goes on */
    private boolean answer(Connection connection, String command) throws IOException {
        if (command.startsWith("MAIL") || command.startsWith("RSET")) {
            connection.recipients = 0;
        }
        for (Scripted script : scripted) {
            if (command.startsWith(script.commandPrefix())) {
                connection.write(script.replyLines().toArray(String[]::new));
                if (command.startsWith("RCPT") && script.replyLines().get(0).startsWith("2")) {
                    connection.recipients++;
                }
                return !command.startsWith("QUIT");
            }
        }
        if (command.startsWith("EHLO")) {
            List<String> lines = new ArrayList<>(List.of("250-fake.test greets you", "250-PIPELINING", "250-8BITMIME"));
            if (tls != null && !connection.secure) {
                lines.add("250-STARTTLS");
            }
            lines.add("250 AUTH PLAIN LOGIN");
            connection.write(lines.toArray(String[]::new));
        } else if (command.startsWith("STARTTLS")) {
            connection.write("220 2.0.0 Ready to start TLS");
            connection.secure(tls);
        } else if (command.startsWith("AUTH PLAIN ")) {
            String response = connection.lastLine.substring("AUTH PLAIN ".length());
            String[] parts = new String(Base64.getDecoder().decode(response), StandardCharsets.UTF_8).split("\0", -1);
            credentials.add(parts[1] + ":" + parts[2]);
            connection.write("235 2.7.0 Authentication successful");
        } else if (command.startsWith("AUTH LOGIN")) {
            connection.write("334 VXNlcm5hbWU6");
            String user = new String(Base64.getDecoder().decode(connection.readLine()), StandardCharsets.UTF_8);
            connection.write("334 UGFzc3dvcmQ6");
            String password = new String(Base64.getDecoder().decode(connection.readLine()), StandardCharsets.UTF_8);
            credentials.add(user + ":" + password);
            connection.write("235 2.7.0 Authentication successful");
        } else if (command.startsWith("DATA") && connection.recipients == 0) {
            // as Postfix answers a pipelined DATA whose recipients were all refused (RFC 2920 §3.1)
            connection.write("554 5.5.1 Error: no valid recipients");
        } else if (command.startsWith("DATA")) {
            return data(connection);
        } else if (command.startsWith("QUIT")) {
            connection.write("221 2.0.0 Bye");
            return false;
        } else if (command.startsWith("RCPT")) {
            connection.recipients++;
            connection.write("250 2.1.5 Ok");
        } else if (command.startsWith("MAIL")) {
            connection.write("250 2.1.0 Ok");
        } else {
            connection.write("250 2.0.0 Ok");
        }
        return true;
    }

    private boolean data(Connection connection) throws IOException {
        connection.write("354 End data with <CR><LF>.<CR><LF>");
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = connection.readRawLine()) != null && !line.equals(".")) {
            lines.add(line);
            if (lines.size() == closeAfterDataLines) {
                return false;
            }
        }
        messages.add(lines);
        connection.recipients = 0;
        String endReply = scriptedEndOfData();
        connection.write(endReply != null ? endReply : "250 2.0.0 Ok: queued as Q" + queueIds.incrementAndGet());
        return line != null;
    }

    /** A reply scripted for "." answers the end of the data. */
    private String scriptedEndOfData() {
        return scripted.stream().filter(script -> script.commandPrefix().equals(".")).findFirst()
                .map(script -> String.join("\r\n", script.replyLines())).orElse(null);
    }

    /**
     * The latency of a slow server, played on this conversation's own thread: its answer is due
     * once the delay has passed (a timer completes it), and nothing else waits on it.
     */
    private void pause(String command) {
        for (Delayed delayed : delays) {
            if (command.startsWith(delayed.commandPrefix())) {
                new CompletableFuture<Void>()
                        .completeOnTimeout(null, delayed.delay().toMillis(), TimeUnit.MILLISECONDS).join();
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        sessions.shutdownNow();
    }

    /** One client's socket, read a line at a time, upgraded in place by STARTTLS. */
    private static final class Connection implements AutoCloseable {
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        boolean secure;
        String lastLine;
        /** Recipients accepted in the transaction under way. */
        int recipients;

        Connection(Socket socket, boolean secure) throws IOException {
            this.secure = secure;
            use(socket);
        }

        private void use(Socket connected) throws IOException {
            socket = connected;
            socket.setSoTimeout(10_000);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        void secure(SSLContext tls) throws IOException {
            SSLSocket upgraded = (SSLSocket) tls.getSocketFactory().createSocket(socket, null, socket.getPort(), false);
            upgraded.setUseClientMode(false);
            use(upgraded);
            upgraded.startHandshake();
            secure = true;
        }

        boolean moreWaiting() throws IOException {
            return in.available() > 0;
        }

        String readLine() throws IOException {
            lastLine = readRawLine();
            return lastLine;
        }

        /** A line without its CRLF; a bare LF fails, as no SMTP client may send one (RFC 5321 §2.3.8). */
        String readRawLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1) {
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    if (bytes.length == 0 || bytes[bytes.length - 1] != '\r') {
                        throw new IOException("bare LF from the client");
                    }
                    return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
                }
                line.write(b);
            }
            return null;
        }

        void write(String... lines) throws IOException {
            out.write((String.join("\r\n", lines) + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
