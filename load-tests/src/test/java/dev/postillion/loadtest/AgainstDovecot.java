package dev.postillion.loadtest;

import dev.postillion.loadtest.wire.MailboxProtocolBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests of a mailbox protocol's virtual users against Dovecot: one server for the test class, and
 * a user of its own for each test, so that one test's deliveries and deletions are no other's.
 */
public abstract class AgainstDovecot {

    @TempDir
    static Path directory;
    protected static DovecotPeer dovecot;
    private static final AtomicInteger USERS = new AtomicInteger();

    private final List<String> messages;
    private final ToIntFunction<DovecotPeer> port;

    /**
     * @param messages what each test's user finds in its INBOX
     * @param port the port of Dovecot's listener for the protocol under test
     */
    protected AgainstDovecot(List<String> messages, ToIntFunction<DovecotPeer> port) {
        this.messages = messages;
        this.port = port;
    }

    /** This test's user. */
    protected final String user = "reader" + USERS.incrementAndGet() + "@example.test";
    protected GatlingRuntime gatling;

    @BeforeAll
    static void startDovecot() throws Exception {
        dovecot = DovecotPeer.start(directory);
    }

    @AfterAll
    static void stopDovecot() throws Exception {
        if (dovecot != null) {
            dovecot.close();
        }
    }

    @AfterEach
    void stopGatling() {
        if (gatling != null) {
            gatling.close();
        }
    }

    /** Delivers the messages to this test's user, then runs Gatling with the protocol, pointed at Dovecot. */
    protected void start(MailboxProtocolBuilder protocol) throws Exception {
        for (String message : messages) {
            dovecot.deliver(user, message);
        }
        gatling = new GatlingRuntime(protocol.host("127.0.0.1").port(port.applyAsInt(dovecot)));
    }

    /** Each request as the report counts it: "name OK", or "name KO" and its message. */
    protected List<String> reported() {
        return gatling.reported();
    }

    /** The message's size with CRLF line ends, as servers store and count it. */
    protected static long crlf(String message) {
        return message.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8).length;
    }
}
