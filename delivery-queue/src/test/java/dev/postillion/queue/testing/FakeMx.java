package dev.postillion.queue.testing;

import dev.postillion.queue.routing.MailHost;
import dev.postillion.queue.routing.Tlsa;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A remote MX for tests: an SMTP server on 127.0.0.1, on a port of its own, that behaves as the
 * test scripts it and records what it receives. Thread-safe: a thread per connection, and the test
 * may script and read from its own thread at any time.
 *
 * <p>By default it greets with 220, offers PIPELINING, SIZE 10485760, 8BITMIME, SMTPUTF8, DSN and
 * ENHANCEDSTATUSCODES, and accepts every message. Given a {@link TlsIdentity} ({@link #tls}), it
 * offers STARTTLS too (RFC 3207) and presents that identity's certificate chain. With PIPELINING on, it holds its replies to MAIL
 * and RCPT until the command that ends a batch (RFC 2920 section 3.1: DATA, or any other command
 * than MAIL and RCPT), as a server may: a client that waited for each reply would stall, and its
 * test would notice. In a session without PIPELINING (not offered, or HELO), it counts every
 * command that arrives while an earlier one still waits for its reply
 * ({@link #pipeliningViolations()}).
 */
public final class FakeMx implements AutoCloseable {

    /**
     * What a script applies to; {@code END_OF_DATA} is the final dot after the content. A scripted
     * reply may hold several lines joined by CRLF: for {@code STARTTLS}, a 220 followed by plain
     * text that a man in the middle inserted before TLS; any other reply to STARTTLS is the only answer.
     */
    public enum Command { EHLO, HELO, MAIL, RCPT, DATA, END_OF_DATA, RSET, QUIT, STARTTLS }

    /** EHLO keywords the server can offer. */
    public enum Extension { PIPELINING, SIZE, EIGHTBITMIME, SMTPUTF8, DSN, STARTTLS }

    public record Recipient(String address, Map<String, String> parameters) {}

    /**
     * A transaction whose content arrived.
     *
     * @param connection which connection carried it: 1 for the first accepted, and so on
     * @param recipients those the server accepted, with their parameters
     * @param content as the client meant it: dot-unstuffed, lines ending with CRLF
     * @param reply what the server answered to the end of DATA
     * @param tls whether it came over TLS, after STARTTLS
     */
    public record Transaction(int connection, String sender, Map<String, String> mailParameters,
            List<Recipient> recipients, byte[] content, String reply, boolean tls) {

        public String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    private record Failures(AtomicInteger remaining, String reply) {}

    private static final String NAME = "fake.mx.test";

    private final ServerSocket serverSocket;
    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "fake-mx");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final List<Transaction> transactions = new CopyOnWriteArrayList<>();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final AtomicInteger maxConcurrentConnections = new AtomicInteger();
    private final AtomicInteger pipeliningViolations = new AtomicInteger();
    private final EndOfDataGate endOfData = new EndOfDataGate();

    private final Set<Extension> extensions = ConcurrentHashMap.newKeySet();
    private final Map<Command, String> replies = new ConcurrentHashMap<>();
    private final Map<String, Failures> recipientFailures = new ConcurrentHashMap<>();
    private final Map<Command, AtomicInteger> disconnects = new ConcurrentHashMap<>();
    private final Map<Command, Duration> delays = new ConcurrentHashMap<>();
    private volatile String greeting = "220 " + NAME + " ESMTP";
    private volatile long sizeLimit = 10_485_760;
    private volatile boolean ehloUnsupported;
    /** The server's TLS, once {@link #tls} has given it an identity. */
    private volatile SSLContext tls;
    private volatile boolean tlsBroken;
    /** While holding, sessions at the end of DATA wait for this latch; null when not holding. */

    private FakeMx(ServerSocket serverSocket) {
        this.serverSocket = serverSocket;
        extensions.addAll(EnumSet.complementOf(EnumSet.of(Extension.STARTTLS)));
        threads.execute(this::acceptConnections);
    }

    public static FakeMx start() {
        try {
            return new FakeMx(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    /** This server as DNS would give it for an MX host named {@code name}. */
    public MailHost host(String name) {
        return new MailHost(name, List.of(InetAddress.getLoopbackAddress()), port(), Tlsa.OFF);
    }

    // --- scripting ---

    /** The greeting, e.g. {@code 554 5.7.1 go away}; a server that refuses answers 503 until QUIT. */
    public FakeMx greeting(String reply) {
        greeting = reply;
        return this;
    }

    public FakeMx without(Extension... offered) {
        extensions.removeAll(List.of(offered));
        return this;
    }

    public FakeMx offering(Extension... offered) {
        extensions.addAll(List.of(offered));
        return this;
    }

    /** Offers STARTTLS, and presents {@code identity}'s certificate chain in the handshake. */
    public FakeMx tls(TlsIdentity identity) {
        tls = identity.serverContext();
        return offering(Extension.STARTTLS);
    }

    /** Offers STARTTLS, then answers it with 220 and bytes that are no TLS: every handshake fails. */
    public FakeMx brokenTls() {
        tlsBroken = true;
        return offering(Extension.STARTTLS);
    }

    /** The limit SIZE announces; 0 for SIZE without a limit. */
    public FakeMx sizeLimit(long octets) {
        sizeLimit = octets;
        return this;
    }

    /** EHLO gets {@code 502 5.5.2 Error: command not recognized}, as from a server that predates it. */
    public FakeMx ehloUnsupported() {
        ehloUnsupported = true;
        return this;
    }

    /** Every {@code command} gets {@code reply} instead of the default one. */
    public FakeMx reply(Command command, String reply) {
        replies.put(command, reply);
        return this;
    }

    /** Every RCPT TO this address gets {@code reply}. */
    public FakeMx rejectRecipient(String address, String reply) {
        return failRecipient(address, Integer.MAX_VALUE, reply);
    }

    /** The first {@code times} RCPT TO this address get {@code reply}; later ones are accepted. */
    public FakeMx failRecipient(String address, int times, String reply) {
        recipientFailures.put(address.toLowerCase(Locale.ROOT), new Failures(new AtomicInteger(times), reply));
        return this;
    }

    /** On receiving {@code command}, the server closes the connection without answering it. */
    public FakeMx disconnectAfter(Command command) {
        return disconnectAfter(command, Integer.MAX_VALUE);
    }

    /** As {@link #disconnectAfter(Command)}, the next {@code times} times only. */
    public FakeMx disconnectAfter(Command command, int times) {
        disconnects.put(command, new AtomicInteger(times));
        return this;
    }

    /** The server waits this long before answering {@code command}. */
    public FakeMx delay(Command command, Duration delay) {
        delays.put(command, delay);
        return this;
    }

    /**
     * From now on, replies to the end of DATA wait until released: how a test keeps deliveries
     * under way while it looks. {@link #heldAtEndOfData()} counts the sessions waiting.
     */
    public FakeMx holdEndOfData() {
        endOfData.close();
        return this;
    }

    /** Lets the sessions waiting now go on; later ones are held again. */
    public void releaseHeld() {
        endOfData.releaseWaiting();
    }

    /** Stops holding: every waiting session goes on, and later ones are not held. */
    public void releaseEndOfData() {
        endOfData.open();
    }

    // --- what happened ---

    public List<Transaction> transactions() {
        return List.copyOf(transactions);
    }

    /** Every command line received, in order, across connections. */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    public int connections() {
        return connections.get();
    }

    public int openConnections() {
        return openConnections.get();
    }

    public int maxConcurrentConnections() {
        return maxConcurrentConnections.get();
    }

    /** Commands that came before the reply to the previous one while PIPELINING was not offered. */
    public int pipeliningViolations() {
        return pipeliningViolations.get();
    }

    /** Sessions waiting at the end of DATA for {@link #releaseEndOfData()}. */
    public int heldAtEndOfData() {
        return endOfData.waiting();
    }

    @Override
    public void close() {
        releaseEndOfData();
        try {
            serverSocket.close();
            for (Socket socket : sockets) {
                socket.close();
            }
            threads.shutdownNow();
            threads.awaitTermination(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // --- the server ---

    private void acceptConnections() {
        while (!serverSocket.isClosed()) {
            try {
                Socket socket = serverSocket.accept();
                sockets.add(socket);
                int id = connections.incrementAndGet();
                maxConcurrentConnections.accumulateAndGet(openConnections.incrementAndGet(), Math::max);
                threads.execute(() -> serve(socket, id));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket, int id) {
        try (socket) {
            new Session(socket, id).converse();
        } catch (IOException | InterruptedException e) {
            // the client went away, or the server is closing
        } finally {
            sockets.remove(socket);
            openConnections.decrementAndGet();
        }
    }

    /** One connection's conversation; lives on its own thread. */
    private final class Session {
        private final Socket socket;
        private InputStream in;
        private OutputStream out;
        private final int id;
        private final List<String> heldReplies = new ArrayList<>();
        private boolean greeted;
        /** Whether this session's EHLO reply offered PIPELINING. */
        private boolean pipelining;
        /** Whether STARTTLS has put TLS under the session. */
        private boolean overTls;
        private String sender;
        private Map<String, String> mailParameters;
        private final List<Recipient> recipients = new ArrayList<>();

        Session(Socket socket, int id) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = new BufferedOutputStream(socket.getOutputStream());
            this.id = id;
        }

        void converse() throws IOException, InterruptedException {
            String welcome = greeting;
            send(welcome);
            boolean refused = !welcome.startsWith("2");
            for (byte[] bytes = readLine(); bytes != null; bytes = readLine()) {
                String line = new String(bytes, StandardCharsets.UTF_8);
                commands.add(line);
                String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
                if (verb.equals("QUIT")) {
                    answer(Command.QUIT, scripted(Command.QUIT, "221 2.0.0 Bye"));
                    return;
                }
                if (refused) {
                    send("503 5.5.1 Error: access denied");
                } else if (!command(verb, line)) {
                    return;
                }
            }
        }

        /** @return false when the script says to disconnect */
        private boolean command(String verb, String line) throws IOException, InterruptedException {
            switch (verb) {
                case "EHLO" -> {
                    String reply = ehloUnsupported
                            ? "502 5.5.2 Error: command not recognized"
                            : scripted(Command.EHLO, ehloReply());
                    greeted = reply.startsWith("2");
                    pipelining = greeted && extensions.contains(Extension.PIPELINING);
                    return answer(Command.EHLO, reply);
                }
                case "HELO" -> {
                    greeted = true;
                    return answer(Command.HELO, scripted(Command.HELO, "250 " + NAME));
                }
                case "MAIL" -> {
                    return mail(line);
                }
                case "RCPT" -> {
                    return rcpt(line);
                }
                case "DATA" -> {
                    return data();
                }
                case "RSET" -> {
                    resetTransaction();
                    return answer(Command.RSET, scripted(Command.RSET, "250 2.0.0 Ok"));
                }
                case "STARTTLS" -> {
                    return startTls();
                }
                case "NOOP" -> {
                    send("250 2.0.0 Ok");
                    return true;
                }
                default -> {
                    send("502 5.5.2 Error: command not recognized");
                    return true;
                }
            }
        }

        /**
         * RFC 3207 section 4.2: after the handshake the session starts afresh, the client not
         * greeted and nothing learnt before kept.
         *
         * @return false when the connection is to be closed
         */
        private boolean startTls() throws IOException {
            if (overTls || !extensions.contains(Extension.STARTTLS)) {
                send("502 5.5.2 Error: command not recognized");
                return true;
            }
            String ready = scripted(Command.STARTTLS, "220 2.0.0 Ready to start TLS");
            send(ready);
            if (!ready.startsWith("220")) {
                return true;
            }
            if (tlsBroken) {
                send("this is not a TLS record");
                return false;
            }
            SSLSocket secured = (SSLSocket) tls.getSocketFactory().createSocket(socket,
                    socket.getInetAddress().getHostAddress(), socket.getPort(), true);
            secured.setUseClientMode(false);
            secured.startHandshake();
            in = new BufferedInputStream(secured.getInputStream());
            out = new BufferedOutputStream(secured.getOutputStream());
            overTls = true;
            greeted = false;
            pipelining = false;
            resetTransaction();
            return true;
        }

        private String ehloReply() {
            List<String> keywords = new ArrayList<>();
            keywords.add(NAME);
            if (extensions.contains(Extension.PIPELINING)) {
                keywords.add("PIPELINING");
            }
            if (extensions.contains(Extension.SIZE)) {
                keywords.add(sizeLimit > 0 ? "SIZE " + sizeLimit : "SIZE");
            }
            if (extensions.contains(Extension.EIGHTBITMIME)) {
                keywords.add("8BITMIME");
            }
            if (extensions.contains(Extension.SMTPUTF8)) {
                keywords.add("SMTPUTF8");
            }
            if (extensions.contains(Extension.DSN)) {
                keywords.add("DSN");
            }
            if (extensions.contains(Extension.STARTTLS) && !overTls) {
                keywords.add("STARTTLS");
            }
            keywords.add("ENHANCEDSTATUSCODES");
            StringBuilder reply = new StringBuilder();
            for (int i = 0; i < keywords.size(); i++) {
                reply.append(i == 0 ? "" : "\r\n").append(i == keywords.size() - 1 ? "250 " : "250-").append(keywords.get(i));
            }
            return reply.toString();
        }

        private boolean mail(String line) throws IOException, InterruptedException {
            if (!greeted) {
                return answer(Command.MAIL, "503 5.5.1 Error: send HELO/EHLO first");
            }
            String reply = scripted(Command.MAIL, "250 2.1.0 Ok");
            if (reply.startsWith("2")) {
                sender = MailCommandLine.path(line);
                mailParameters = MailCommandLine.parameters(line);
                recipients.clear();
            }
            return answer(Command.MAIL, reply);
        }

        private boolean rcpt(String line) throws IOException, InterruptedException {
            if (sender == null) {
                return answer(Command.RCPT, "503 5.5.1 Error: need MAIL command");
            }
            String address = MailCommandLine.path(line);
            String reply = scripted(Command.RCPT, "250 2.1.5 Ok");
            Failures failures = recipientFailures.get(address.toLowerCase(Locale.ROOT));
            if (failures != null && failures.remaining().getAndDecrement() > 0) {
                reply = failures.reply();
            }
            if (reply.startsWith("2")) {
                recipients.add(new Recipient(address, MailCommandLine.parameters(line)));
            }
            return answer(Command.RCPT, reply);
        }

        private boolean data() throws IOException, InterruptedException {
            if (sender == null) {
                return answer(Command.DATA, "503 5.5.1 Error: need MAIL command");
            }
            if (recipients.isEmpty()) {
                return answer(Command.DATA, "554 5.5.1 Error: no valid recipients");
            }
            String reply = scripted(Command.DATA, "354 End data with <CR><LF>.<CR><LF>");
            if (!answer(Command.DATA, reply)) {
                return false;
            }
            if (reply.startsWith("3")) {
                return content();
            }
            return true;
        }

        private boolean content() throws IOException, InterruptedException {
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            for (byte[] line = readLine(); line != null; line = readLine()) {
                if (line.length == 1 && line[0] == '.') {
                    if (disconnecting(Command.END_OF_DATA)) {
                        return false;
                    }
                    endOfData.pass();
                    String reply = scripted(Command.END_OF_DATA, "250 2.0.0 Ok: queued as FAKE" + (transactions.size() + 1));
                    transactions.add(new Transaction(id, sender, mailParameters, List.copyOf(recipients),
                            content.toByteArray(), reply, overTls));
                    resetTransaction();
                    return answer(Command.END_OF_DATA, reply);
                }
                int unstuffed = line.length > 0 && line[0] == '.' ? 1 : 0; // RFC 5321 section 4.5.2
                content.write(line, unstuffed, line.length - unstuffed);
                content.write('\r');
                content.write('\n');
            }
            return false;
        }

        private void resetTransaction() {
            sender = null;
            mailParameters = null;
            recipients.clear();
        }

        /**
         * Answers a command as scripted: the reply waits for its delay, the connection is closed
         * instead if so scripted, and MAIL and RCPT replies wait for the end of a pipelined batch.
         *
         * @return false when the connection was closed instead
         */
        private boolean answer(Command command, String reply) throws IOException, InterruptedException {
            if (command != Command.END_OF_DATA && disconnecting(command)) {
                return false;
            }
            if (!pipelining && in.available() > 0 && command != Command.QUIT) {
                pipeliningViolations.incrementAndGet();
            }
            Duration delay = delays.get(command);
            if (delay != null) {
                Thread.sleep(delay.toMillis());
            }
            heldReplies.add(reply);
            boolean batched = command == Command.MAIL || command == Command.RCPT;
            if (!(batched && pipelining)) {
                for (String held : heldReplies) {
                    out.write((held + "\r\n").getBytes(StandardCharsets.UTF_8));
                }
                heldReplies.clear();
                out.flush();
            }
            return true;
        }

        /** Closes the connection, after the replies already due, when the script says so. */
        private boolean disconnecting(Command command) throws IOException {
            AtomicInteger remaining = disconnects.get(command);
            if (remaining == null || remaining.getAndDecrement() <= 0) {
                return false;
            }
            for (String held : heldReplies) {
                out.write((held + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
            return true;
        }

        private void send(String reply) throws IOException {
            out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** A line without its CRLF, or null at the end of the stream. */
        private byte[] readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b >= 0; b = in.read()) {
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return Arrays.copyOf(bytes, length);
                }
                line.write(b);
            }
            return null;
        }
    }

    private String scripted(Command command, String otherwise) {
        return replies.getOrDefault(command, otherwise);
    }
}
