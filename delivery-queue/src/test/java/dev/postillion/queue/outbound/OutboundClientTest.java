package dev.postillion.queue.outbound;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.Envelope;
import dev.postillion.core.TlsHandshakes;
import dev.postillion.queue.DeliveryRequest;
import dev.postillion.queue.RecipientOutcome;
import dev.postillion.queue.RecipientOutcome.RemoteAnswer;
import dev.postillion.queue.RecipientOutcome.Status;
import dev.postillion.queue.routing.MailHost;
import dev.postillion.queue.routing.Tlsa;
import dev.postillion.queue.tls.TlsLevel;
import dev.postillion.queue.testing.FakeMx;
import dev.postillion.queue.testing.FakeMx.Command;
import dev.postillion.queue.testing.FakeMx.Extension;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutboundClientTest {

    private static final EventLoopGroup io = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final String SERVER = "mx.remote.test[127.0.0.1]";

    private final FakeMx mx = FakeMx.start();
    private OutboundClient client = client("");

    @AfterEach
    void closeServer() {
        mx.close();
    }

    @AfterAll
    static void stopIo() {
        io.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static OutboundClient client(String settings) {
        return new OutboundClient(io, NioSocketChannel.class, "postillion.test", TestMail.smtp(settings), TestMail.tls(""),
                TlsHandshakes.uncounted());
    }

    private OutboundClient.Session session(MailHost host) {
        return client.open(host, LOOPBACK, TlsLevel.MAY).toCompletableFuture().join();
    }

    private OutboundConnection open() {
        return assertInstanceOf(OutboundClient.Session.Ready.class, session(mx.host("mx.remote.test"))).connection();
    }

    private static TransactionResult send(OutboundConnection connection, DeliveryRequest request) {
        return connection.send(request).toCompletableFuture().join();
    }

    private static List<RecipientOutcome> completed(TransactionResult result) {
        return assertInstanceOf(TransactionResult.Completed.class, result).outcomes();
    }

    private static void assertOutcome(RecipientOutcome outcome, int recipient, Status status, String dsn) {
        assertEquals(recipient, outcome.recipient(), "recipient");
        assertEquals(status, outcome.status(), outcome.detail());
        assertEquals(dsn, outcome.dsn(), outcome.detail());
    }

    @Test
    void pipelinedTransactionDeliversToEveryRecipient() {
        // FakeMx holds MAIL and RCPT replies until DATA: a client waiting for each would stall.
        OutboundConnection connection = open();
        assertTrue(connection.extensions().pipelining());

        List<RecipientOutcome> outcomes = completed(send(connection,
                TestMail.request("anna@example.org", "bob@remote.test", "carl@remote.test")));

        assertOutcome(outcomes.get(0), 0, Status.SENT, "2.0.0");
        assertOutcome(outcomes.get(1), 1, Status.SENT, "2.0.0");
        RecipientOutcome sent = outcomes.get(0);
        assertEquals(SERVER + ":" + mx.port(), sent.relay());
        assertEquals("host " + SERVER + " said: 250 2.0.0 Ok: queued as FAKE1 (in reply to end of DATA command)",
                sent.detail());
        assertEquals(new RemoteAnswer("mx.remote.test", "127.0.0.1", "250 2.0.0 Ok: queued as FAKE1", "end of DATA", true),
                sent.remote().orElseThrow());
        FakeMx.Transaction received = mx.transactions().get(0);
        assertEquals("anna@example.org", received.sender());
        assertEquals(List.of("bob@remote.test", "carl@remote.test"),
                received.recipients().stream().map(FakeMx.Recipient::address).toList());
        assertArrayEquals(TestMail.CONTENT, received.content());
        assertTrue(connection.reusable());
    }

    @Test
    void withoutPipeliningEachCommandWaitsForItsReply() {
        mx.without(Extension.PIPELINING);
        List<RecipientOutcome> outcomes = completed(send(open(),
                TestMail.request("anna@example.org", "bob@remote.test", "carl@remote.test")));
        assertOutcome(outcomes.get(0), 0, Status.SENT, "2.0.0");
        assertOutcome(outcomes.get(1), 1, Status.SENT, "2.0.0");
        assertEquals(0, mx.pipeliningViolations());
        assertEquals(1, mx.transactions().size());
    }

    @Test
    void eachRecipientGetsItsOwnAnswer() {
        mx.rejectRecipient("bob@remote.test", "550 5.1.1 <bob@remote.test>: Recipient address rejected")
                .rejectRecipient("carl@remote.test", "450 4.2.1 <carl@remote.test>: Mailbox busy");

        List<RecipientOutcome> outcomes = completed(send(open(),
                TestMail.request("anna@example.org", "anna@remote.test", "bob@remote.test", "carl@remote.test")));

        assertOutcome(outcomes.get(0), 0, Status.SENT, "2.0.0");
        assertOutcome(outcomes.get(1), 1, Status.BOUNCED, "5.1.1");
        assertOutcome(outcomes.get(2), 2, Status.DEFERRED, "4.2.1");
        assertEquals("host " + SERVER + " said: 550 5.1.1 <bob@remote.test>: Recipient address rejected"
                + " (in reply to RCPT TO command)", outcomes.get(1).detail());
        assertEquals(List.of("anna@remote.test"),
                mx.transactions().get(0).recipients().stream().map(FakeMx.Recipient::address).toList());
    }

    @Test
    void temporarilyRefusedRecipientIsAcceptedWhenTriedAgain() {
        mx.failRecipient("bob@remote.test", 1, "451 4.3.0 Try again later");
        OutboundConnection connection = open();
        DeliveryRequest request = TestMail.request("anna@example.org", "bob@remote.test");

        assertOutcome(completed(send(connection, request)).get(0), 0, Status.DEFERRED, "4.3.0");
        assertTrue(connection.reusable(), "reset after the refusal, ready for the next transaction");
        assertOutcome(completed(send(connection, request)).get(0), 0, Status.SENT, "2.0.0");
    }

    @Test
    void noContentIsSentWhenEveryRecipientIsRefused() {
        mx.rejectRecipient("bob@remote.test", "550 5.1.1 unknown").rejectRecipient("carl@remote.test", "550 5.1.1 unknown");
        OutboundConnection connection = open();

        List<RecipientOutcome> outcomes = completed(send(connection,
                TestMail.request("anna@example.org", "bob@remote.test", "carl@remote.test")));

        assertOutcome(outcomes.get(0), 0, Status.BOUNCED, "5.1.1");
        assertOutcome(outcomes.get(1), 1, Status.BOUNCED, "5.1.1");
        assertTrue(mx.transactions().isEmpty());
        assertTrue(mx.commands().contains("RSET"), "the refused DATA of the batch is followed by RSET");
        assertTrue(connection.reusable());
        assertOutcome(completed(send(connection, TestMail.request("anna@example.org", "dora@remote.test"))).get(0),
                0, Status.SENT, "2.0.0");
    }

    @Test
    void withoutPipeliningNoDataIsSentWhenEveryRecipientIsRefused() {
        mx.without(Extension.PIPELINING).rejectRecipient("bob@remote.test", "550 5.1.1 unknown");
        List<RecipientOutcome> outcomes = completed(send(open(), TestMail.request("anna@example.org", "bob@remote.test")));
        assertOutcome(outcomes.get(0), 0, Status.BOUNCED, "5.1.1");
        assertFalse(mx.commands().contains("DATA"));
    }

    @Test
    void refusedMailFromAppliesToEveryRecipient() {
        mx.reply(Command.MAIL, "553 5.7.1 <anna@example.org>: Sender address rejected");
        List<RecipientOutcome> outcomes = completed(send(open(),
                TestMail.request("anna@example.org", "bob@remote.test", "carl@remote.test")));
        for (RecipientOutcome outcome : outcomes) {
            assertEquals(Status.BOUNCED, outcome.status());
            assertEquals("5.7.1", outcome.dsn());
            assertEquals("MAIL FROM", outcome.remote().orElseThrow().command());
        }
        assertEquals(2, outcomes.size());
    }

    @Test
    void temporarilyRefusedMailFromDefersEveryRecipient() {
        mx.without(Extension.PIPELINING).reply(Command.MAIL, "451 4.3.0 Temporary lookup failure");
        List<RecipientOutcome> outcomes = completed(send(open(), TestMail.request("anna@example.org", "bob@remote.test")));
        assertOutcome(outcomes.get(0), 0, Status.DEFERRED, "4.3.0");
        assertFalse(mx.commands().stream().anyMatch(line -> line.startsWith("RCPT")));
    }

    @Test
    void refusalAfterTheContentAppliesToTheAcceptedRecipients() {
        mx.rejectRecipient("carl@remote.test", "550 5.1.1 unknown")
                .reply(Command.END_OF_DATA, "554 5.7.1 Message rejected as spam");

        List<RecipientOutcome> outcomes = completed(send(open(),
                TestMail.request("anna@example.org", "bob@remote.test", "carl@remote.test")));

        assertOutcome(outcomes.get(0), 0, Status.BOUNCED, "5.7.1");
        assertEquals("host " + SERVER + " said: 554 5.7.1 Message rejected as spam (in reply to end of DATA command)",
                outcomes.get(0).detail());
        assertOutcome(outcomes.get(1), 1, Status.BOUNCED, "5.1.1");
        assertEquals("RCPT TO", outcomes.get(1).remote().orElseThrow().command());
    }

    @Test
    void refusedDataAppliesToTheAcceptedRecipients() {
        mx.reply(Command.DATA, "451 4.3.0 Not now");
        OutboundConnection connection = open();
        List<RecipientOutcome> outcomes = completed(send(connection, TestMail.request("anna@example.org", "bob@remote.test")));
        assertOutcome(outcomes.get(0), 0, Status.DEFERRED, "4.3.0");
        assertEquals("DATA", outcomes.get(0).remote().orElseThrow().command());
        assertTrue(mx.commands().contains("RSET"));
    }

    @Test
    void lostConnectionDefersTheRecipientsNotYetAnswered() {
        mx.without(Extension.PIPELINING).disconnectAfter(Command.RCPT);
        OutboundConnection connection = open();

        TransactionResult result = send(connection,
                TestMail.request("anna@example.org", "bob@remote.test", "carl@remote.test"));

        List<RecipientOutcome> outcomes = assertInstanceOf(TransactionResult.Broken.class, result).outcomes();
        assertOutcome(outcomes.get(0), 0, Status.DEFERRED, "4.4.2");
        assertOutcome(outcomes.get(1), 1, Status.DEFERRED, "4.4.2");
        assertEquals("lost connection with " + SERVER + " while sending RCPT TO", outcomes.get(0).detail());
        assertEquals(SERVER + ":" + mx.port(), outcomes.get(0).relay());
        assertFalse(connection.reusable());
    }

    @Test
    void recipientRefusedBeforeTheConnectionIsLostKeepsItsAnswer() {
        mx.without(Extension.PIPELINING).rejectRecipient("bob@remote.test", "550 5.1.1 unknown")
                .disconnectAfter(Command.DATA);

        List<RecipientOutcome> outcomes = assertInstanceOf(TransactionResult.Broken.class, send(open(),
                TestMail.request("anna@example.org", "bob@remote.test", "carl@remote.test"))).outcomes();

        assertOutcome(outcomes.get(0), 0, Status.BOUNCED, "5.1.1");
        assertOutcome(outcomes.get(1), 1, Status.DEFERRED, "4.4.2");
        assertEquals("lost connection with " + SERVER + " while sending DATA command", outcomes.get(1).detail());
    }

    @Test
    void connectionLostAtTheEndOfDataMayMeanTheMessageArrived() {
        mx.disconnectAfter(Command.END_OF_DATA);
        List<RecipientOutcome> outcomes = assertInstanceOf(TransactionResult.Broken.class,
                send(open(), TestMail.request("anna@example.org", "bob@remote.test"))).outcomes();
        assertOutcome(outcomes.get(0), 0, Status.DEFERRED, "4.4.2");
        assertEquals("lost connection with " + SERVER + " while sending end of data -- message may be sent more than once",
                outcomes.get(0).detail());
    }

    @Test
    void connectionLostBeforeMailIsAnsweredLeavesTheTransactionUnstarted() {
        mx.disconnectAfter(Command.MAIL);
        TransactionResult result = send(open(), TestMail.request("anna@example.org", "bob@remote.test"));
        Verdict verdict = assertInstanceOf(TransactionResult.Unstarted.class, result).verdict();
        assertEquals("lost connection with " + SERVER + " while sending MAIL FROM", verdict.detail());
    }

    @Test
    void slowReplyTimesOut() {
        client = client("rcpt-timeout = 200ms");
        mx.without(Extension.PIPELINING).delay(Command.RCPT, Duration.ofMinutes(1));
        OutboundConnection connection = open();

        List<RecipientOutcome> outcomes = assertInstanceOf(TransactionResult.Broken.class,
                send(connection, TestMail.request("anna@example.org", "bob@remote.test"))).outcomes();

        assertOutcome(outcomes.get(0), 0, Status.DEFERRED, "4.4.2");
        assertEquals("conversation with " + SERVER + " timed out while sending RCPT TO", outcomes.get(0).detail());
        assertFalse(connection.reusable());
    }

    @Test
    void serverWithoutEhloIsGreetedWithHelo() {
        mx.ehloUnsupported();
        OutboundConnection connection = open();
        assertEquals(ServerExtensions.NONE, connection.extensions());

        List<RecipientOutcome> outcomes = completed(send(connection, TestMail.request("anna@example.org", "bob@remote.test")));

        assertOutcome(outcomes.get(0), 0, Status.SENT, "2.0.0");
        assertEquals(List.of("EHLO postillion.test", "HELO postillion.test", "MAIL FROM:<anna@example.org>",
                "RCPT TO:<bob@remote.test>", "DATA"), mx.commands());
        assertFalse(outcomes.get(0).remote().orElseThrow().dsnPassedOn());
    }

    @Test
    void refusedHeloBouncesAsInPostfix() {
        mx.ehloUnsupported().reply(Command.HELO, "550 5.7.1 Not you");
        OutboundClient.Session.Refused refused =
                assertInstanceOf(OutboundClient.Session.Refused.class, session(mx.host("mx.remote.test")));
        assertEquals(Status.BOUNCED, refused.verdict().status());
        assertEquals("HELO", refused.verdict().remote().orElseThrow().command());
    }

    @Test
    void refusedGreetingIsTemporaryAndGetsQuit() {
        mx.greeting("554 5.7.1 No SMTP service here");
        Verdict verdict = assertInstanceOf(OutboundClient.Session.Refused.class, session(mx.host("mx.remote.test")))
                .verdict();
        assertEquals(Status.DEFERRED, verdict.status());
        assertEquals("4.7.1", verdict.dsn());
        assertEquals("host " + SERVER + " said: 554 5.7.1 No SMTP service here (in reply to initial greeting command)",
                verdict.detail());
        await().until(() -> mx.commands().contains("QUIT"));
    }

    @Test
    void temporarilyRefusedEhloSkipsTheServer() {
        mx.reply(Command.EHLO, "421 4.3.2 Service shutting down");
        Verdict verdict = assertInstanceOf(OutboundClient.Session.Refused.class, session(mx.host("mx.remote.test")))
                .verdict();
        assertEquals(Status.DEFERRED, verdict.status());
        assertEquals("4.3.2", verdict.dsn());
    }

    @Test
    void refusedConnectionIsReportedWithoutRelay() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
            closedPort = socket.getLocalPort();
        }
        Verdict verdict = assertInstanceOf(OutboundClient.Session.Refused.class,
                session(new MailHost("mx.remote.test", List.of(LOOPBACK), closedPort, Tlsa.OFF))).verdict();
        assertEquals(Status.DEFERRED, verdict.status());
        assertEquals("4.4.1", verdict.dsn());
        assertEquals("none", verdict.relay());
        assertEquals("connect to " + SERVER + ":" + closedPort + ": Connection refused", verdict.detail());
    }

    @Test
    void messageNeedingSmtputf8BouncesAtAServerWithoutIt() {
        mx.without(Extension.SMTPUTF8);
        Envelope envelope = TestMail.envelope("anna@example.org", "jörg@remote.test");
        Envelope utf8 = new Envelope(envelope.sender(), Map.of(), envelope.recipients(), envelope.heloName(),
                envelope.clientAddress(), envelope.arrival(), true);

        RecipientOutcome outcome = completed(send(open(), TestMail.request(utf8, TestMail.CONTENT))).get(0);

        assertOutcome(outcome, 0, Status.BOUNCED, "5.6.7");
        assertEquals("SMTPUTF8 is required, but was not offered by host " + SERVER, outcome.detail());
        assertFalse(mx.commands().stream().anyMatch(line -> line.startsWith("MAIL")));
    }

    @Test
    void eightBitContentBouncesAtAServerWithout8bitmime() {
        mx.without(Extension.EIGHTBITMIME);
        byte[] content = "Subject: Grüße\r\n\r\nTschüss\r\n".getBytes(StandardCharsets.UTF_8);
        // As the spool records 8-bit content.
        Envelope envelope = TestMail.envelope("anna@example.org", "bob@remote.test")
                .withMailParameters(Map.of("BODY", "8BITMIME"));

        RecipientOutcome outcome = completed(send(open(), TestMail.request(envelope, content))).get(0);

        assertOutcome(outcome, 0, Status.BOUNCED, "5.6.3");
        assertEquals("message has 8-bit content, but host " + SERVER + " does not offer 8BITMIME", outcome.detail());
    }

    @Test
    void messageOverTheServersSizeLimitBounces() {
        mx.sizeLimit(10);
        RecipientOutcome outcome = completed(send(open(), TestMail.request("anna@example.org", "bob@remote.test"))).get(0);
        assertOutcome(outcome, 0, Status.BOUNCED, "5.3.4");
        assertEquals("message size " + TestMail.CONTENT.length + " exceeds size limit 10 of server " + SERVER,
                outcome.detail());
    }

    @Test
    void envelopeParametersArePassedOnToAServerOfferingTheirExtensions() {
        Envelope envelope = new Envelope(Optional.of(EmailAddress.parse("anna@example.org", false)),
                Map.of("BODY", "8BITMIME", "RET", "HDRS", "ENVID", "QQ314159"),
                List.of(new Envelope.Recipient(EmailAddress.parse("bob@remote.test", false),
                        Map.of("NOTIFY", "SUCCESS,FAILURE", "ORCPT", "rfc822;bob@remote.test"))),
                "client.example.org", "192.0.2.7", TestMail.envelope("a@b.c", "d@e.f").arrival(), true);

        RecipientOutcome outcome = completed(send(open(), TestMail.request(envelope, TestMail.CONTENT))).get(0);

        FakeMx.Transaction received = mx.transactions().get(0);
        assertEquals(Map.of("SIZE", String.valueOf(TestMail.CONTENT.length), "BODY", "8BITMIME", "SMTPUTF8", "",
                "RET", "HDRS", "ENVID", "QQ314159"), received.mailParameters());
        assertEquals(Map.of("NOTIFY", "SUCCESS,FAILURE", "ORCPT", "rfc822;bob@remote.test"),
                received.recipients().get(0).parameters());
        assertTrue(outcome.remote().orElseThrow().dsnPassedOn());
    }

    @Test
    void dsnParametersStayHomeWhenTheServerDoesNotOfferDsn() {
        mx.without(Extension.DSN, Extension.SIZE);
        Envelope envelope = new Envelope(Optional.of(EmailAddress.parse("anna@example.org", false)),
                Map.of("RET", "FULL", "ENVID", "x"),
                List.of(new Envelope.Recipient(EmailAddress.parse("bob@remote.test", false), Map.of("NOTIFY", "SUCCESS"))),
                "client.example.org", "192.0.2.7", TestMail.envelope("a@b.c", "d@e.f").arrival(), false);

        RecipientOutcome outcome = completed(send(open(), TestMail.request(envelope, TestMail.CONTENT))).get(0);

        assertEquals(Map.of(), mx.transactions().get(0).mailParameters());
        assertEquals(Map.of(), mx.transactions().get(0).recipients().get(0).parameters());
        assertOutcome(outcome, 0, Status.SENT, "2.0.0");
        assertFalse(outcome.remote().orElseThrow().dsnPassedOn());
    }

    @Test
    void contentWithLeadingDotsArrivesAsItWasSent() {
        String lines = "Subject: dots\r\n\r\n.hidden\r\n..two\r\n.\r\n. \r\nend.\r\n";
        StringBuilder large = new StringBuilder(lines);
        while (large.length() < 300_000) { // several pieces of 64 KiB, dots at their seams
            large.append(".line of a large message\r\n");
        }
        for (String content : List.of(lines, large.toString())) {
            byte[] bytes = content.getBytes(StandardCharsets.US_ASCII);
            OutboundConnection connection = open();
            completed(send(connection, TestMail.request(TestMail.envelope("anna@example.org", "bob@remote.test"), bytes)));
            assertArrayEquals(bytes, mx.transactions().get(mx.transactions().size() - 1).content());
        }
    }

    @Test
    void quitEndsTheSession() {
        OutboundConnection connection = open();
        connection.quit().toCompletableFuture().join();
        assertFalse(connection.reusable());
        await().until(() -> mx.openConnections() == 0);
        assertTrue(mx.commands().contains("QUIT"));
    }
}
