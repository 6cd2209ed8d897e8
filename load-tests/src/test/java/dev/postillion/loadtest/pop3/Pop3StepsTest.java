package dev.postillion.loadtest.pop3;

import static dev.postillion.loadtest.pop3.Pop3Dsl.maildropSize;
import static dev.postillion.loadtest.pop3.Pop3Dsl.messageCount;
import static dev.postillion.loadtest.pop3.Pop3Dsl.octets;
import static dev.postillion.loadtest.pop3.Pop3Dsl.pop3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.loadtest.AgainstDovecot;
import dev.postillion.loadtest.DovecotPeer;
import dev.postillion.loadtest.GatlingRuntime;
import io.gatling.core.session.Session;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The POP3 steps run as a Gatling virtual user against Dovecot's POP3 server. */
class Pop3StepsTest extends AgainstDovecot {

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

    Pop3StepsTest() {
        super(MESSAGES, DovecotPeer::pop3Port);
    }

    @Test
    void aDownloadersStepsCountWhatTheServerSent() throws Exception {
        start(Pop3Dsl.pop3.login(user, DovecotPeer.PASSWORD));

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
        start(Pop3Dsl.pop3.login(user, "wrong"));

        Session refused = gatling.run(pop3("login").login(), pop3("stat").stat());
        List<String> refusals = reported();
        gatling.close();
        gatling = new GatlingRuntime(Pop3Dsl.pop3.login(user, DovecotPeer.PASSWORD).host("127.0.0.1")
                .port(dovecot.pop3Port()));
        gatling.run(pop3("login").login(), pop3("missing").retr("3"), pop3("quit").quit());

        assertTrue(refused.isFailed());
        assertEquals(List.of("login KO -ERR [AUTH] Authentication failed.", "stat KO no open connection: log in first"),
                refusals);
        assertEquals(List.of("login OK", "missing KO -ERR There's no message 3.", "quit OK"), reported());
    }

}
