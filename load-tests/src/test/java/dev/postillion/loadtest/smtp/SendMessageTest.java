package dev.postillion.loadtest.smtp;

import static dev.postillion.loadtest.smtp.SmtpDsl.queuedAs;
import static dev.postillion.loadtest.smtp.SmtpDsl.replyCode;
import static dev.postillion.loadtest.smtp.SmtpDsl.smtp;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.loadtest.GatlingRuntime;
import io.gatling.core.session.Session;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code sendMessage()}: one call, each phase of the dialogue reported under its own name. */
class SendMessageTest extends FakeServerTest {

    private static SendMessageActionBuilder message() {
        return smtp("mx").sendMessage().from("anna@sender.test").to("#{recipients}");
    }

    @Test
    void eachPhaseIsReportedAndTheChecksApplyToTheEndOfData() throws Exception {
        server = FakeSmtpServer.start();
        gatling(SmtpDsl.smtp);

        Session user = gatling.run(GatlingRuntime.set("recipients", List.of("bob@example.test", "carol@example.test")),
                message().check(replyCode().is(250), queuedAs().saveAs("queueId")));

        assertEquals(List.of("mx: connect OK", "mx: EHLO OK", "mx: MAIL OK", "mx: RCPT OK", "mx: RCPT OK", "mx: DATA OK",
                "mx: QUIT OK"), reported());
        assertEquals("Q1", user.attributes().apply("queueId"));
        assertTrue(server.received().get(1).moreWaiting(), "MAIL, RCPT and DATA came in one write (pipelining)");
        assertEquals(List.of("EHLO", "MAIL", "RCPT", "RCPT", "DATA", "QUIT"), server.verbs());
    }

    @Test
    void aConnectionCarriesItsShareOfMessagesThenQuits() throws Exception {
        server = FakeSmtpServer.start();
        gatling(SmtpDsl.smtp.messagesPerConnection(2).pipelining(false));

        Session user = gatling.run(GatlingRuntime.set("recipients", "bob@example.test"), message(), message(), message());

        assertEquals(List.of("mx: connect OK", "mx: EHLO OK", "mx: MAIL OK", "mx: RCPT OK", "mx: DATA OK",
                "mx: MAIL OK", "mx: RCPT OK", "mx: DATA OK", "mx: QUIT OK",
                "mx: connect OK", "mx: EHLO OK", "mx: MAIL OK", "mx: RCPT OK", "mx: DATA OK"), reported());
        assertEquals(2, server.connections());
        assertNotNull(clientOf(user), "the third message's connection stays open for the next");

        gatling.exit(user);
        await().atMost(Duration.ofSeconds(5)).until(() -> server.verbs().stream().filter("QUIT"::equals).count() == 2);
    }

    @Test
    void startTlsAndAuthComeBeforeTheTransaction() throws Exception {
        server = FakeSmtpServer.start(TestCertificate.selfSigned("fake.test").serverContext());
        gatling(SmtpDsl.smtp.startTls().trustAll().authPlain("#{user}", "secret"));

        gatling.run(GatlingRuntime.set("recipients", "bob@example.test"), GatlingRuntime.set("user", "anna"), message());

        assertEquals(List.of("mx: connect OK", "mx: EHLO OK", "mx: STARTTLS OK", "mx: EHLO OK", "mx: AUTH OK", "mx: MAIL OK",
                "mx: RCPT OK", "mx: DATA OK", "mx: QUIT OK"), reported());
        assertEquals(List.of("anna:secret"), server.credentials());
        assertTrue(server.received().get(2).secure(), "the second EHLO is over TLS");
    }

    @Test
    void aRejectedRecipientIsAKoAndTheMessageGoesToTheOthers() throws Exception {
        server = FakeSmtpServer.start().reply("RCPT TO:<NOBODY@", "550 5.1.1 <nobody@example.test>: User unknown");
        gatling(SmtpDsl.smtp.pipelining(false));

        Session user = gatling.run(GatlingRuntime.set("recipients", List.of("nobody@example.test", "bob@example.test")),
                message());

        assertEquals(List.of("mx: connect OK", "mx: EHLO OK", "mx: MAIL OK",
                "mx: RCPT KO 550 5.1.1 <nobody@example.test>: User unknown", "mx: RCPT OK", "mx: DATA OK", "mx: QUIT OK"),
                reported());
        assertTrue(user.isFailed());
    }

    @Test
    void withNoRecipientAcceptedTheTransactionIsResetInsteadOfData() throws Exception {
        server = FakeSmtpServer.start().reply("RCPT", "550 5.1.1 User unknown");
        gatling(SmtpDsl.smtp.pipelining(false));

        gatling.run(GatlingRuntime.set("recipients", "nobody@example.test"), message());

        assertEquals(List.of("mx: connect OK", "mx: EHLO OK", "mx: MAIL OK", "mx: RCPT KO 550 5.1.1 User unknown",
                "mx: RSET OK", "mx: QUIT OK"), reported());
        assertFalse(server.verbs().contains("DATA"));
    }

    @Test
    void aRejectedMessageIsAKoWithTheServersReply() throws Exception {
        server = FakeSmtpServer.start().reply(".", "554 5.7.1 Message rejected as spam");
        gatling(SmtpDsl.smtp);

        gatling.run(GatlingRuntime.set("recipients", "bob@example.test"), message().check(queuedAs().saveAs("queueId")));

        assertEquals("mx: DATA KO 554 5.7.1 Message rejected as spam (queuedAs.find.exists, found nothing)",
                reported().get(4));
    }

    @Test
    void subjectBodyAndAttachmentSizeComeFromTheSession() throws Exception {
        server = FakeSmtpServer.start();
        gatling(SmtpDsl.smtp);

        gatling.run(GatlingRuntime.set("recipients", "bob@example.test"), GatlingRuntime.set("size", 10_000),
                GatlingRuntime.set("subject", "Grüße"),
                message().subject("#{subject}").body("Line one\n.line two").attachmentSize("#{size}"));

        List<String> lines = server.messages().get(0);
        assertTrue(lines.contains("Subject: =?UTF-8?B?R3LDvMOfZQ==?="), lines.toString());
        assertTrue(lines.contains("..line two"), "a body line's leading dot is doubled");
        int base64Start = lines.indexOf("Content-Transfer-Encoding: base64") + 2;
        int base64End = base64Start;
        while (!lines.get(base64End).startsWith("--")) {
            base64End++;
        }
        String attachment = String.join("", lines.subList(base64Start, base64End));
        assertEquals(10_000, Base64.getDecoder().decode(attachment.getBytes(StandardCharsets.US_ASCII)).length);
        assertTrue(lines.subList(base64Start, base64End).stream().allMatch(line -> line.length() <= 76));
    }

    @Test
    void aServerThatIsNotListeningFailsTheConnect() throws Exception {
        int closedPort;
        try (ServerSocket unused = new ServerSocket(0)) {
            closedPort = unused.getLocalPort();
        }
        server = FakeSmtpServer.start();
        gatling = new GatlingRuntime(SmtpDsl.smtp.host("127.0.0.1").port(closedPort));

        Session user = gatling.run(GatlingRuntime.set("recipients", "bob@example.test"), message());

        assertEquals(List.of("mx: connect KO connection refused"), reported());
        assertNull(clientOf(user));
    }
}
