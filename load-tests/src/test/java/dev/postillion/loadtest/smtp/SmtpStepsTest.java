package dev.postillion.loadtest.smtp;

import static dev.postillion.loadtest.smtp.SmtpDsl.enhancedStatus;
import static dev.postillion.loadtest.smtp.SmtpDsl.queuedAs;
import static dev.postillion.loadtest.smtp.SmtpDsl.replyCode;
import static dev.postillion.loadtest.smtp.SmtpDsl.replyText;
import static dev.postillion.loadtest.smtp.SmtpDsl.smtp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.loadtest.GatlingRuntime;
import io.gatling.core.session.Session;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scripted steps of an SMTP dialogue, run as a Gatling virtual user against a fake server
 * on a socket: what each reports, what it sends, and how it fails.
 */
class SmtpStepsTest extends FakeServerTest {

    @Test
    void eachStepIsReportedUnderItsOwnNameAndTheServerHearsItsCommands() throws Exception {
        server = FakeSmtpServer.start();
        gatling(SmtpDsl.smtp);

        Session user = gatling.run(smtp("connect").connect(), smtp("EHLO").ehlo(), smtp("MAIL").mailFrom("anna@sender.test"),
                smtp("RCPT").rcptTo("bob@example.test"), smtp("DATA").data().subject("Hi"), smtp("RSET").rset(),
                smtp("QUIT").quit());

        assertEquals(List.of("connect OK", "EHLO OK", "MAIL OK", "RCPT OK", "DATA OK", "RSET OK", "QUIT OK"), reported());
        assertEquals(List.of("EHLO loadgen.test", "MAIL FROM:<anna@sender.test>", "RCPT TO:<bob@example.test>", "DATA",
                "RSET", "QUIT"), server.received().stream().map(FakeSmtpServer.Received::line).toList());
        assertFalse(user.isFailed());
        assertNull(clientOf(user), "QUIT closes the connection");
    }

    @Test
    void aMultilineReplyIsOneReplyAndItsTextKeepsEveryLine() throws Exception {
        server = FakeSmtpServer.start().reply("EHLO", "250-fake.test", "250-PIPELINING", "250 SIZE 10240000");
        gatling(SmtpDsl.smtp);

        Session user = gatling.run(smtp("connect").connect(),
                smtp("EHLO").ehlo().check(replyText().saveAs("ehlo")), smtp("MAIL").mailFrom("anna@sender.test"));

        assertEquals(List.of("connect OK", "EHLO OK", "MAIL OK"), reported(),
                "the MAIL reply is not taken for a line of the EHLO reply");
        assertEquals("fake.test\nPIPELINING\nSIZE 10240000", user.attributes().apply("ehlo"));
    }

    @Test
    void aMultilineRejectionIsReportedWithEveryLine() throws Exception {
        server = FakeSmtpServer.start().reply("MAIL", "550-5.7.1 Your network is listed", "550 5.7.1 See https://bl.test/");
        gatling(SmtpDsl.smtp);

        Session user = gatling.run(smtp("connect").connect(), smtp("EHLO").ehlo(), smtp("MAIL").mailFrom("spam@bad.test"));

        assertEquals(List.of("connect OK", "EHLO OK",
                "MAIL KO 550 5.7.1 Your network is listed See https://bl.test/"), reported());
        assertTrue(user.isFailed());
    }

    @Test
    void pipelinedRecipientsAreWrittenTogetherAndEachReplyGoesToItsOwnRecipient() throws Exception {
        server = FakeSmtpServer.start().reply("RCPT TO:<NOBODY@", "550 5.1.1 <nobody@example.test>: User unknown");
        gatling(SmtpDsl.smtp);

        Session user = gatling.run(withRecipients(), smtp("connect").connect(), smtp("EHLO").ehlo(),
                smtp("MAIL").mailFrom("anna@sender.test"), smtp("RCPT").rcptTo("#{recipients}"),
                smtp("DATA").data().check(queuedAs().saveAs("queueId")));

        assertEquals(List.of("connect OK", "EHLO OK", "MAIL OK", "RCPT OK",
                "RCPT KO 550 5.1.1 <nobody@example.test>: User unknown", "RCPT OK", "DATA OK"), reported());
        List<FakeSmtpServer.Received> rcpts = server.received().stream()
                .filter(line -> line.line().startsWith("RCPT")).toList();
        assertEquals(List.of(true, true, false), rcpts.stream().map(FakeSmtpServer.Received::moreWaiting).toList(),
                "the three RCPTs came in one write");
        assertEquals("Q1", user.attributes().apply("queueId"));
        assertEquals("To: <bob@example.test>,", server.messages().get(0).get(2),
                "the message is addressed to the recipients the server accepted");
    }

    @Test
    void withoutPipeliningEachRecipientWaitsForTheReplyToTheOneBefore() throws Exception {
        server = FakeSmtpServer.start();
        gatling(SmtpDsl.smtp.pipelining(false));

        gatling.run(withRecipients(), smtp("connect").connect(), smtp("EHLO").ehlo(), smtp("MAIL").mailFrom("anna@sender.test"),
                smtp("RCPT").rcptTo("#{recipients}"));

        assertEquals(List.of("connect OK", "EHLO OK", "MAIL OK", "RCPT OK", "RCPT OK", "RCPT OK"), reported());
        assertTrue(server.received().stream().noneMatch(FakeSmtpServer.Received::moreWaiting));
    }

    @Test
    void checksOnCodeEnhancedStatusAndTextDecideTheOutcome() throws Exception {
        server = FakeSmtpServer.start().reply("RCPT", "550 5.1.1 <nobody@example.test>: User unknown");
        gatling(SmtpDsl.smtp);

        Session user = gatling.run(smtp("connect").connect(), smtp("EHLO").ehlo(), smtp("MAIL").mailFrom("anna@sender.test"),
                smtp("unknown recipient").rcptTo("nobody@example.test")
                        .check(replyCode().is(550), enhancedStatus().is("5.1.1"), replyText().saveAs("why")),
                smtp("expected to pass").rcptTo("nobody@example.test").check(replyCode().is(250)));

        assertEquals(List.of("connect OK", "EHLO OK", "MAIL OK", "unknown recipient OK",
                "expected to pass KO 550 5.1.1 <nobody@example.test>: User unknown (replyCode.find.is(250), found 550)"),
                reported());
        assertEquals("<nobody@example.test>: User unknown", user.attributes().apply("why"));
        assertTrue(user.isFailed());
    }

    @Test
    void aSlowServersDelayIsInTheResponseTime() throws Exception {
        server = FakeSmtpServer.start().delay("EHLO", Duration.ofMillis(400));
        gatling(SmtpDsl.smtp);

        gatling.run(smtp("connect").connect(), smtp("EHLO").ehlo());

        GatlingRuntime.Request ehlo = gatling.requests().get(1);
        assertEquals("EHLO OK", ehlo.name() + " " + ehlo.status());
        assertTrue(ehlo.responseTime() >= 400, "response time " + ehlo.responseTime() + " ms");
    }

    @Test
    void aServerSilentPastTheReplyTimeoutFailsTheRequestAndLosesTheConnection() throws Exception {
        server = FakeSmtpServer.start().delay("EHLO", Duration.ofSeconds(3));
        gatling(SmtpDsl.smtp.replyTimeout(Duration.ofMillis(300)));

        Session user = gatling.run(smtp("connect").connect(), smtp("EHLO").ehlo(), smtp("MAIL").mailFrom("anna@sender.test"));

        assertEquals(List.of("connect OK", "EHLO KO no reply within 300 ms",
                "MAIL KO no open connection: connect first"), reported());
        assertNull(clientOf(user));
    }

    @Test
    void theReplyTimeoutCountsForEachReplyNotForTheConnection() throws Exception {
        // each reply within 400 ms of the one before, together well past it
        server = FakeSmtpServer.start().delay("EHLO", Duration.ofMillis(250)).delay("MAIL", Duration.ofMillis(250))
                .delay("RCPT", Duration.ofMillis(250));
        gatling(SmtpDsl.smtp.replyTimeout(Duration.ofMillis(400)));

        gatling.run(smtp("connect").connect(), smtp("EHLO").ehlo(), smtp("MAIL").mailFrom("anna@sender.test"),
                smtp("RCPT").rcptTo("bob@example.test"));

        assertEquals(List.of("connect OK", "EHLO OK", "MAIL OK", "RCPT OK"), reported());
    }

    @Test
    void pipelinedRepliesEachHaveTheTimeoutFromTheReplyBefore() throws Exception {
        // MAIL, RCPT and DATA go in one write; each reply comes 250 ms after the one before it
        server = FakeSmtpServer.start().delay("MAIL", Duration.ofMillis(250)).delay("RCPT", Duration.ofMillis(250))
                .delay("DATA", Duration.ofMillis(250));
        gatling(SmtpDsl.smtp.replyTimeout(Duration.ofMillis(400)));

        gatling.run(smtp("mx").sendMessage().from("anna@sender.test").to("bob@example.test").subject("Hello"));

        assertEquals(List.of("mx: connect OK", "mx: EHLO OK", "mx: MAIL OK", "mx: RCPT OK", "mx: DATA OK", "mx: QUIT OK"),
                reported());
    }

    @Test
    void aServerThatClosesInTheMiddleOfDataFailsDataWithoutAReply() throws Exception {
        server = FakeSmtpServer.start().closeDuringData(2);
        gatling(SmtpDsl.smtp);

        Session user = gatling.run(smtp("connect").connect(), smtp("EHLO").ehlo(), smtp("MAIL").mailFrom("anna@sender.test"),
                smtp("RCPT").rcptTo("bob@example.test"), smtp("DATA").data().attachmentSize(100_000));

        assertEquals(List.of("connect OK", "EHLO OK", "MAIL OK", "RCPT OK", "DATA KO connection closed by the server"),
                reported());
        assertNull(clientOf(user));
    }

    @Test
    void aCertificateTheClientDoesNotTrustFailsTheHandshake() throws Exception {
        server = FakeSmtpServer.start(TestCertificate.selfSigned("fake.test").serverContext());
        gatling(SmtpDsl.smtp);

        Session user = gatling.run(smtp("connect").connect(), smtp("EHLO").ehlo(), smtp("STARTTLS").startTls());

        assertEquals(List.of("connect OK", "EHLO OK", "STARTTLS KO TLS handshake failed"), reported());
        assertNull(clientOf(user));
    }

    @Test
    void startTlsWithATrustStoreSecuresTheRestOfTheDialogue(@TempDir Path directory) throws Exception {
        TestCertificate certificate = TestCertificate.selfSigned("fake.test");
        server = FakeSmtpServer.start(certificate.serverContext());
        gatling(SmtpDsl.smtp.trustStore(certificate.trustStore(directory), TestCertificate.trustStorePassword()));

        gatling.run(smtp("connect").connect(), smtp("EHLO").ehlo(), smtp("STARTTLS").startTls(), smtp("EHLO").ehlo(),
                smtp("MAIL").mailFrom("anna@sender.test"));

        assertEquals(List.of("connect OK", "EHLO OK", "STARTTLS OK", "EHLO OK", "MAIL OK"), reported());
        assertEquals(List.of(false, false, true, true),
                server.received().stream().map(FakeSmtpServer.Received::secure).toList());
    }

    @Test
    void implicitTlsConnectsThroughTheHandshake() throws Exception {
        server = FakeSmtpServer.startImplicitTls(TestCertificate.selfSigned("fake.test").serverContext());
        gatling(SmtpDsl.smtp.implicitTls().trustAll());

        gatling.run(smtp("connect").connect(), smtp("EHLO").ehlo());

        assertEquals(List.of("connect OK", "EHLO OK"), reported());
        assertTrue(server.received().get(0).secure());
    }

    @Test
    void authUsesEachUsersCredentialsFromItsSession() throws Exception {
        server = FakeSmtpServer.start();
        gatling(SmtpDsl.smtp.authLogin("#{user}", "#{password}"));
        gatling.run(GatlingRuntime.set("user", "anna"), GatlingRuntime.set("password", "s3cret"), smtp("connect").connect(),
                smtp("EHLO").ehlo(), smtp("AUTH").auth());
        gatling.close();
        gatling(SmtpDsl.smtp.authPlain("#{user}", "#{password}"));
        gatling.run(GatlingRuntime.set("user", "bob"), GatlingRuntime.set("password", "pa55"), smtp("connect").connect(),
                smtp("EHLO").ehlo(), smtp("AUTH").auth());

        assertEquals(List.of("anna:s3cret", "bob:pa55"), server.credentials());
        assertEquals(List.of("connect OK", "EHLO OK", "AUTH OK"), reported());
    }

    @Test
    void contentIsSentWithCrlfLineEndsAndLeadingDotsDoubled() throws Exception {
        server = FakeSmtpServer.start();
        gatling(SmtpDsl.smtp);

        gatling.run(smtp("connect").connect(), smtp("EHLO").ehlo(), smtp("MAIL").mailFrom("anna@sender.test"),
                smtp("RCPT").rcptTo("bob@example.test"),
                smtp("DATA").data().content("Subject: dots\n\n.hidden\r\n..two\rlast line"));

        assertEquals(List.of("connect OK", "EHLO OK", "MAIL OK", "RCPT OK", "DATA OK"), reported());
        assertEquals(List.of("Subject: dots", "", "..hidden", "...two", "last line"), server.messages().get(0),
                "every line ended in CRLF (the server refuses a bare LF) and leading dots are doubled");
    }

    @Test
    void aValueMissingFromTheSessionCrashesTheRequestBeforeAnythingIsSent() throws Exception {
        server = FakeSmtpServer.start();
        gatling(SmtpDsl.smtp);

        Session user = gatling.run(smtp("connect").connect(), smtp("MAIL").mailFrom("#{sender}"));

        assertEquals(List.of("connect OK"), reported());
        assertEquals(List.of("MAIL: No attribute named 'sender' is defined"), gatling.crashes());
        assertTrue(server.received().isEmpty());
        assertTrue(user.isFailed());
    }

    @Test
    void aStepWithoutAConnectionFailsAndSaysWhy() throws Exception {
        server = FakeSmtpServer.start();
        gatling(SmtpDsl.smtp);

        gatling.run(smtp("EHLO").ehlo());

        assertEquals(List.of("EHLO KO no open connection: connect first"), reported());
    }

    /** What a JSON feeder's array gives: a list of recipients. */
    private static io.gatling.javaapi.core.ActionBuilder withRecipients() {
        return GatlingRuntime.set("recipients", List.of("bob@example.test", "nobody@example.test", "carol@example.test"));
    }
}
