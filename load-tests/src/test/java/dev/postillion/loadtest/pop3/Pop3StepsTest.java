package dev.postillion.loadtest.pop3;

import static dev.postillion.loadtest.pop3.Pop3Dsl.maildropSize;
import static dev.postillion.loadtest.pop3.Pop3Dsl.messageCount;
import static dev.postillion.loadtest.pop3.Pop3Dsl.octets;
import static dev.postillion.loadtest.pop3.Pop3Dsl.pop3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.loadtest.DovecotPeer;
import dev.postillion.loadtest.GatlingRuntime;
import io.gatling.core.session.Session;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The POP3 steps run as a Gatling virtual user against Dovecot's POP3 server. */
class Pop3StepsTest {

    /** Two messages, the second with lines that start with a dot, which the server byte-stuffs. */
    private static final List<String> MESSAGES = List.of("""
            From: anna@example.test
            Subject: One

            Hello.
            """, """
            From: anna@example.test
            Subject: Two

            .A line that starts with a dot
            .
            ..
            The end.
            """);

    @TempDir
    static Path directory;
    /** One server for the class; each test downloads a maildrop of its own. */
    private static DovecotPeer dovecot;
    private static final AtomicInteger USERS = new AtomicInteger();

    /** This test's user, whose maildrop holds the two messages. */
    private final String user = "downloader" + USERS.incrementAndGet() + "@example.test";
    private GatlingRuntime gatling;

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
    void stop() {
        if (gatling != null) {
            gatling.close();
        }
    }

    private void start(Pop3ProtocolBuilder protocol) throws Exception {
        for (String message : MESSAGES) {
            dovecot.deliver(user, message);
        }
        gatling = new GatlingRuntime(protocol.host("127.0.0.1").port(dovecot.pop3Port()));
    }

    @Test
    void aDownloadersStepsCountWhatTheServerSent() throws Exception {
        start(Pop3Dsl.pop3.userPass(user, DovecotPeer.PASSWORD));

        Session downloader = gatling.run(pop3("login").login(),
                pop3("stat").stat().check(messageCount().saveAs("count"), maildropSize().saveAs("size")),
                pop3("first").retr("1").check(octets().saveAs("first")),
                pop3("second").retr("2").check(octets().saveAs("second")),
                pop3("quit").quit());

        assertEquals(List.of("login OK", "stat OK", "first OK", "second OK", "quit OK"), reported());
        assertEquals(2L, (Long) downloader.attributes().apply("count"));
        long sizes = crlf(MESSAGES.get(0)) + crlf(MESSAGES.get(1));
        assertEquals(sizes, (Long) downloader.attributes().apply("size"));
        assertEquals(sizes, (Long) downloader.attributes().apply("first") + (Long) downloader.attributes().apply("second"),
                "each message's octets as stored: the stuffed dots taken off, a lone '.' line not taken for the end");
        assertFalse(downloader.isFailed());
    }

    @Test
    void authPlainLogsInToo() throws Exception {
        start(Pop3Dsl.pop3.authPlain(user, DovecotPeer.PASSWORD));

        gatling.run(pop3("login").login(), pop3("stat").stat().check(messageCount().is(2L)), pop3("quit").quit());

        assertEquals(List.of("login OK", "stat OK", "quit OK"), reported());
    }

    @Test
    void aRefusedLoginAndAMissingMessageAreKosWithTheServersReply() throws Exception {
        start(Pop3Dsl.pop3.userPass(user, "wrong"));

        Session refused = gatling.run(pop3("login").login(), pop3("stat").stat());
        List<String> refusals = reported();
        gatling.close();
        gatling = new GatlingRuntime(Pop3Dsl.pop3.userPass(user, DovecotPeer.PASSWORD).host("127.0.0.1")
                .port(dovecot.pop3Port()));
        gatling.run(pop3("login").login(), pop3("missing").retr("3"), pop3("quit").quit());

        assertTrue(refused.isFailed());
        assertEquals(List.of("login KO -ERR [AUTH] Authentication failed.", "stat KO no open connection: log in first"),
                refusals);
        assertEquals(List.of("login OK", "missing KO -ERR There's no message 3.", "quit OK"), reported());
    }

    private List<String> reported() {
        return gatling.requests().stream()
                .map(request -> request.name() + " " + request.status() + (request.ok() ? "" : " " + request.message()))
                .toList();
    }

    private static long crlf(String message) {
        return message.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8).length;
    }
}
