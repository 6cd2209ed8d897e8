package dev.postillion.loadtest.imap;

import static dev.postillion.loadtest.imap.ImapDsl.exists;
import static dev.postillion.loadtest.imap.ImapDsl.fetched;
import static dev.postillion.loadtest.imap.ImapDsl.found;
import static dev.postillion.loadtest.imap.ImapDsl.imap;
import static dev.postillion.loadtest.imap.ImapDsl.literalBytes;
import static dev.postillion.loadtest.imap.ImapDsl.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.loadtest.AgainstDovecot;
import dev.postillion.loadtest.DovecotPeer;
import dev.postillion.loadtest.GatlingRuntime;
import io.gatling.core.session.Session;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The IMAP steps run as a Gatling virtual user against Dovecot, an independent server: what each
 * reports, what the checks find in the replies, and how failures show in the report.
 */
class ImapStepsTest extends AgainstDovecot {

    /** Five messages, two of them from alice; each header block ends with its blank line. */
    static final List<String> MESSAGES = IntStream.rangeClosed(1, 5).mapToObj(i -> """
            From: %s@example.test
            To: anna@example.test
            Subject: Message %d

            Body of message %d.
            """.formatted(i % 2 == 0 ? "alice" : "bob", i, i)).toList();

    ImapStepsTest() {
        super(MESSAGES, DovecotPeer::imapPort);
    }

    @Test
    void aReadersStepsCountWhatTheServerSent() throws Exception {
        start(ImapDsl.imap.login(user, DovecotPeer.PASSWORD));

        Session reader = gatling.run(imap("login").login(),
                imap("select").select("INBOX").check(exists().saveAs("exists")),
                imap("headers").fetch("1:*", "BODY.PEEK[HEADER]").check(fetched().saveAs("headers"),
                        literalBytes().saveAs("headerBytes")),
                imap("bodies").fetch("1:*", "(FLAGS BODY.PEEK[])").check(literalBytes().saveAs("bodyBytes")),
                imap("from alice").search("FROM alice").check(found().saveAs("fromAlice")),
                imap("unseen").search("UNSEEN").check(found().is(5)),
                imap("logout").logout());

        assertEquals(List.of("login OK", "select OK", "headers OK", "bodies OK", "from alice OK", "unseen OK", "logout OK"),
                reported());
        assertEquals(5, (Integer) reader.attributes().apply("exists"));
        assertEquals(5, (Integer) reader.attributes().apply("headers"));
        assertEquals(MESSAGES.stream().mapToLong(m -> crlf(m.substring(0, m.indexOf("\n\n") + 2))).sum(),
                (Long) reader.attributes().apply("headerBytes"), "every header block, blank line included, counted");
        assertEquals(MESSAGES.stream().mapToLong(AgainstDovecot::crlf).sum(), (Long) reader.attributes().apply("bodyBytes"));
        assertEquals(2, (Integer) reader.attributes().apply("fromAlice"));
        assertFalse(reader.isFailed());
        assertFalse(reader.attributes().contains("gatling.imap.connection"), "LOGOUT closes the connection");
    }

    @Test
    void authenticatePlainLogsInToo() throws Exception {
        start(ImapDsl.imap.authPlain(user, DovecotPeer.PASSWORD));

        gatling.run(imap("login").login(), imap("select").select("INBOX").check(exists().is(5)), imap("logout").logout());

        assertEquals(List.of("login OK", "select OK", "logout OK"), reported());
    }

    @Test
    void aRefusedLoginIsAKoWithTheServersReplyAndLeavesNoConnection() throws Exception {
        start(ImapDsl.imap.login(user, "wrong"));

        Session reader = gatling.run(imap("login").login(), imap("select").select("INBOX"));

        assertEquals(List.of("login KO a1 NO [AUTHENTICATIONFAILED] Authentication failed.",
                "select KO no open connection: log in first"), reported());
        assertTrue(reader.isFailed());
    }

    @Test
    void aFailedCheckIsAKoThatShowsTheReplyAndTheCheck() throws Exception {
        start(ImapDsl.imap.login(user, DovecotPeer.PASSWORD));

        gatling.run(imap("login").login(), imap("select").select("INBOX"),
                imap("headers").fetch("1:*", "BODY.PEEK[HEADER]").check(fetched().is(6)),
                imap("missing folder").select("Nowhere").check(status().is("NO")));

        List<String> reported = reported();
        assertTrue(reported.get(2).startsWith("headers KO a3 OK Fetch completed"), reported.get(2));
        assertTrue(reported.get(2).endsWith("(fetched.find.is(6), found 5)"), reported.get(2));
        assertEquals("missing folder OK", reported.get(3), "a NO that the check expects passes");
    }

    @Test
    void idleEndsWhenTheServerReportsNewMail() throws Exception {
        start(ImapDsl.imap.login(user, DovecotPeer.PASSWORD).replyTimeout(Duration.ofSeconds(30)));
        Session selected = gatling.run(imap("login").login(), imap("select").select("INBOX"));

        CompletableFuture<Session> idling = CompletableFuture.supplyAsync(() -> gatling.run(selected,
                imap("idle").idle(Duration.ofSeconds(20)).check(exists().saveAs("news"))));
        dovecot.deliver(user, MESSAGES.get(0));
        Session reader = idling.get();

        GatlingRuntime.Request idle = gatling.requests().get(2);
        assertEquals("idle", idle.name());
        assertTrue(idle.ok(), idle.message());
        assertEquals(6, (Integer) reader.attributes().apply("news"));
        assertTrue(idle.responseTime() < 20_000, "ended by the news, not the time: " + idle.responseTime() + " ms");
    }

    @Test
    void idleWithoutNewsEndsAfterItsTime() throws Exception {
        start(ImapDsl.imap.login(user, DovecotPeer.PASSWORD));

        gatling.run(imap("login").login(), imap("select").select("INBOX"),
                imap("idle").idle(Duration.ofMillis(300)).check(exists().notExists()), imap("logout").logout());

        assertEquals(List.of("login OK", "select OK", "idle OK", "logout OK"), reported());
        assertTrue(gatling.requests().get(2).responseTime() >= 300);
    }

    @Test
    void appendedMessagesAreInTheFolder() throws Exception {
        start(ImapDsl.imap.login(user, DovecotPeer.PASSWORD));

        gatling.run(GatlingRuntime.set("message", MESSAGES.get(1)), imap("login").login(),
                imap("append").append("INBOX", "#{message}"), imap("append").append("INBOX", "#{message}"),
                imap("select").select("INBOX").check(exists().is(7)),
                imap("appended").fetch("6:7", "BODY.PEEK[]").check(literalBytes().is(2 * crlf(MESSAGES.get(1)))));

        assertEquals(List.of("login OK", "append OK", "append OK", "select OK", "appended OK"), reported());
    }
}
