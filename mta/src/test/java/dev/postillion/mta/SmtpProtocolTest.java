package dev.postillion.mta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SMTP receive side (RFC 5321, RFC 1870, RFC 2920, RFC 6531) over real sockets against a real node. */
class SmtpProtocolTest {

    static final String GREETING = "220 mx.test ESMTP Postillion";
    static final String SENDER_OK = "250 2.1.0 Ok";
    static final String RECIPIENT_OK = "250 2.1.5 Ok";
    static final String START_DATA = "354 End data with <CR><LF>.<CR><LF>";
    static final String OK = "250 2.0.0 Ok";
    static final String TOO_BIG = "552 5.3.4 Error: message size exceeds fixed maximum message size";
    private static final Pattern QUEUED = Pattern.compile("250 2\\.0\\.0 Ok: queued as ([0-9A-F]{24})");
    private static final AtomicInteger USERS = new AtomicInteger();

    @TempDir static Path dataDir;
    static TestNode node;
    static MailboxReader mailboxes;

    @BeforeAll
    static void start() {
        node = TestNode.start(dataDir);
        mailboxes = new MailboxReader(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void theGreetingNamesTheHost() throws IOException {
        try (SmtpClient smtp = new SmtpClient(node.smtpPort())) {
            assertEquals(GREETING, smtp.reply());
        }
    }

    @Test
    void ehloListsExactlyTheOfferedExtensions() throws IOException {
        try (SmtpClient smtp = new SmtpClient(node.smtpPort())) {
            smtp.reply();
            assertEquals(String.join("\n", "250-mx.test", "250-PIPELINING", "250-SIZE 36700160",
                    "250-STARTTLS", "250-ENHANCEDSTATUSCODES", "250-8BITMIME", "250-DSN", "250 SMTPUTF8"), smtp.command("EHLO client.test"));
        }
    }

    @Test
    void aControlCharacterInACommandIsRefusedSoItCannotReachOurHeaders() throws IOException {
        try (SmtpClient smtp = new SmtpClient(node.smtpPort())) {
            smtp.reply();
            assertEquals("501 5.5.2 Error: control character in command line",
                    smtp.command("EHLO x\rSubject: injected"));
            assertEquals("501 5.5.2 Error: control character in command line", smtp.command("EHLO x\u0000y"));
            assertEquals("501 5.5.4 Syntax: EHLO hostname", smtp.command("EHLO <script>"));
            assertTrue(smtp.command("EHLO client.test").startsWith("250-mx.test\n"));
        }
    }

    /** Without SMTPUTF8 the Received header must stay ASCII: an 8-bit name is refused, an A-label taken. */
    @Test
    void anEightBitEhloNameIsRefusedSoItCannotReachOurHeaders() throws IOException {
        try (SmtpClient smtp = new SmtpClient(node.smtpPort())) {
            smtp.reply();
            assertEquals("501 5.5.4 Syntax: EHLO hostname", smtp.command("EHLO b\u00fccher.example"));
            assertEquals("501 5.5.4 Syntax: HELO hostname", smtp.command("HELO \u00e9t\u00e9.example"));
            assertTrue(smtp.command("EHLO xn--bcher-kva.example").startsWith("250-mx.test\n"));
        }
    }

    @Test
    void mailParametersNeedEhlo() throws IOException {
        try (SmtpClient smtp = new SmtpClient(node.smtpPort())) {
            smtp.reply();
            assertEquals("250 mx.test", smtp.command("HELO client.test"));
            assertEquals("555 5.5.4 Unsupported option: SIZE", smtp.command("MAIL FROM:<a@sender.test> SIZE=100"));
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<a@sender.test>"));
        }
    }

    @Test
    void aSizeThatIsNotDigitsIsRefused() throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertEquals("501 5.5.4 Bad parameter value: SIZE=-5", smtp.command("MAIL FROM:<a@sender.test> SIZE=-5"));
            assertEquals("501 5.5.4 Bad parameter value: SIZE=+5", smtp.command("MAIL FROM:<a@sender.test> SIZE=+5"));
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<a@sender.test> SIZE=5"));
        }
    }

    @Test
    void heloIsAnsweredWithTheHostnameAndAllowsATransaction() throws IOException {
        String to = newMailbox(node);
        try (SmtpClient smtp = new SmtpClient(node.smtpPort())) {
            smtp.reply();
            assertEquals("250 mx.test", smtp.command("HELO client.test"));
            String id = send(smtp, "<old@sender.test>", message("over helo"), to);
            assertTrue(mailboxes.raw(to, mailboxes.awaitMessage(to, id)).contains(" with SMTP id " + id));
        }
    }

    @Test
    void anAcceptedMessageIsStoredUnstuffedWithReturnPathDeliveredToAndReceived() throws IOException {
        String to = newMailbox(node);
        String id;
        try (SmtpClient smtp = connect(node)) {
            id = send(smtp, "<alice@sender.test>",
                    message("stored") + "..a line that starts with a dot\r\n...two dots\r\n", to);
        }
        JsonNode stored = mailboxes.awaitMessage(to, id);
        String raw = mailboxes.raw(to, stored);
        assertTrue(raw.startsWith("Return-Path: <alice@sender.test>\r\nDelivered-To: " + to + "\r\n"
                + "Received: from client.test ([127.0.0.1])\r\n\tby mx.test (Postillion) with ESMTP id " + id
                + "\r\n\tfor <" + to + ">; "), raw);
        assertTrue(raw.endsWith("\r\n\r\nbody\r\n.a line that starts with a dot\r\n..two dots\r\n"), raw);
        assertEquals("stored", stored.get("subject").asText());
        assertEquals("<alice@sender.test>", stored.get("returnPath").asText());
    }

    @Test
    void noopRsetVrfyAndHelpAreAnswered() throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertEquals(OK, smtp.command("NOOP"));
            assertEquals("252 2.0.0 Cannot VRFY user, but will accept message and attempt delivery",
                    smtp.command("VRFY anna"));
            assertEquals("214 2.0.0 Commands: HELO EHLO STARTTLS MAIL RCPT DATA RSET NOOP QUIT VRFY HELP; see RFC 5321",
                    smtp.command("HELP"));
        }
    }

    @Test
    void rsetEndsTheTransaction() throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<a@sender.test>"));
            assertEquals(OK, smtp.command("RSET"));
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<b@sender.test>"));
        }
    }

    @Test
    void quitSaysByeAndCloses() throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertEquals("221 2.0.0 Bye", smtp.command("QUIT"));
            assertTrue(smtp.closedByServer());
        }
    }

    @Test
    void anUnknownCommandIsRefusedAndTheSessionGoesOn() throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertEquals("500 5.5.2 Error: command not recognized", smtp.command("FROB nicate"));
            assertEquals("502 5.5.1 Error: command not implemented", smtp.command("EXPN staff"));
            assertEquals(OK, smtp.command("NOOP"));
        }
    }

    /** RFC 5321 section 4.5.3.1.4: the limit counts the CRLF. */
    @Test
    void aCommandLineOverTheLimitIsRefusedAndTheSessionGoesOn() throws IOException {
        try (SmtpClient smtp = connect(node)) {
            String atTheLimit = "NOOP " + "x".repeat(2048 - "NOOP ".length() - 2);
            assertEquals(OK, smtp.command(atTheLimit));
            assertEquals("500 5.5.2 Error: line too long", smtp.command(atTheLimit + "x"));
            assertEquals("500 5.5.2 Error: line too long", smtp.command("NOOP " + "x".repeat(100_000)));
            assertEquals(OK, smtp.command("NOOP"));
        }
    }

    @Test
    void mailBeforeEhloIsOutOfSequence() throws IOException {
        try (SmtpClient smtp = new SmtpClient(node.smtpPort())) {
            smtp.reply();
            assertEquals("503 5.5.1 Error: send HELO/EHLO first", smtp.command("MAIL FROM:<a@sender.test>"));
        }
    }

    @Test
    void rcptBeforeMailIsOutOfSequence() throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertEquals("503 5.5.1 Error: need MAIL command", smtp.command("RCPT TO:<anyone@example.test>"));
        }
    }

    @Test
    void dataBeforeRcptIsOutOfSequenceAndCommandsGoOn() throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<a@sender.test>"));
            assertEquals("503 5.5.1 Error: need RCPT command", smtp.command("DATA"));
            assertEquals(OK, smtp.command("NOOP"));
        }
    }

    @Test
    void dataAfterOnlyRefusedRecipientsHasNoValidRecipients() throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<a@sender.test>"));
            smtp.command("RCPT TO:<nobody@example.test>");
            assertEquals("554 5.5.1 Error: no valid recipients", smtp.command("DATA"));
            assertEquals(OK, smtp.command("NOOP"));
        }
    }

    @Test
    void nestedMailIsOutOfSequence() throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<a@sender.test>"));
            assertEquals("503 5.5.1 Error: nested MAIL command", smtp.command("MAIL FROM:<b@sender.test>"));
        }
    }

    /** The framer and the session must agree on what a DATA command is, or the connection stalls. */
    @Test
    void aLineThatOnlyLooksLikeDataIsRefusedAndTheSessionGoesOn() throws IOException {
        String to = newMailbox(node);
        try (SmtpClient smtp = connect(node)) {
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<a@sender.test>"));
            assertEquals(RECIPIENT_OK, smtp.command("RCPT TO:<" + to + ">"));
            assertEquals("500 5.5.2 Error: command not recognized", smtp.command("DATA\t"));
            assertEquals(START_DATA, smtp.command("DATA"));
        }
    }

    @Test
    void aBadSenderAddressIsASyntaxError() throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertTrue(smtp.command("MAIL FROM:<no-at-sign>").startsWith("501 5.1.7 Bad sender address syntax"));
            assertTrue(smtp.command("MAIL FROM:<a..b@sender.test>").startsWith("501 5.1.7 Bad sender address syntax"));
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<a.b@sender.test>"));
        }
    }

    @Test
    void aBadRecipientAddressIsASyntaxError() throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<a@sender.test>"));
            assertTrue(smtp.command("RCPT TO:<anna@>").startsWith("501 5.1.3 Bad recipient address syntax"));
            assertTrue(smtp.command("RCPT TO:<anna>").startsWith("501 5.1.3 Bad recipient address syntax"));
        }
    }

    @Test
    void anUnknownLocalUserIsRefusedAtRcpt() throws IOException {
        newMailbox(node); // so that example.test is hosted whatever the test order
        try (SmtpClient smtp = connect(node)) {
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<a@sender.test>"));
            assertEquals("550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown in virtual mailbox table",
                    smtp.command("RCPT TO:<nobody@example.test>"));
        }
    }

    @Test
    void aDomainNotHostedHereIsRelayDenied() throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<a@sender.test>"));
            assertEquals("554 5.7.1 <x@other.test>: Relay access denied", smtp.command("RCPT TO:<x@other.test>"));
        }
    }

    @Test
    void moreThanFiftyReceivedHeadersIsALoop() throws IOException {
        String to = newMailbox(node);
        try (SmtpClient smtp = connect(node)) {
            assertEquals("554 5.4.6 Error: too many hops (mail loop?)",
                    transaction(smtp, "<a@sender.test>", receivedHeaders(51) + message("loop"), to));
            String id = send(smtp, "<a@sender.test>", receivedHeaders(50) + message("fifty hops"), to);
            assertEquals("fifty hops", mailboxes.awaitMessage(to, id).get("subject").asText());
            assertEquals(1, mailboxes.messages(to).size());
        }
    }

    /** RFC 2920: replies come in the order of the commands, and QUIT may follow the final dot. */
    @Test
    void pipelinedCommandsAreAnsweredInOrder() throws IOException {
        String first = newMailbox(node);
        String second = newMailbox(node);
        try (SmtpClient smtp = connect(node)) {
            smtp.send("MAIL FROM:<p@sender.test>\r\nRCPT TO:<" + first + ">\r\nRCPT TO:<nobody@example.test>\r\n"
                    + "RCPT TO:<" + second + ">\r\nDATA\r\n");
            assertEquals(SENDER_OK, smtp.reply());
            assertEquals(RECIPIENT_OK, smtp.reply());
            assertTrue(smtp.reply().startsWith("550 5.1.1 <nobody@example.test>"));
            assertEquals(RECIPIENT_OK, smtp.reply());
            assertEquals(START_DATA, smtp.reply());
            smtp.send(message("pipelined") + ".\r\nQUIT\r\n");
            String id = queueId(smtp.reply());
            assertEquals("221 2.0.0 Bye", smtp.reply());
            assertTrue(smtp.closedByServer());
            assertEquals("pipelined", mailboxes.awaitMessage(first, id).get("subject").asText());
            assertEquals("pipelined", mailboxes.awaitMessage(second, id).get("subject").asText());
        }
    }

    @Test
    void theNullSenderIsAccepted() throws IOException {
        String to = newMailbox(node);
        try (SmtpClient smtp = connect(node)) {
            String id = send(smtp, "<>", message("bounce"), to);
            JsonNode stored = mailboxes.awaitMessage(to, id);
            assertEquals("<>", stored.get("returnPath").asText());
            assertTrue(mailboxes.raw(to, stored).startsWith("Return-Path: <>\r\n"));
        }
    }

    @Test
    void recipientsCompareCaseInsensitively() throws IOException {
        String to = newMailbox(node);
        try (SmtpClient smtp = connect(node)) {
            String id = send(smtp, "<a@sender.test>", message("shouting"), to.toUpperCase());
            assertEquals("shouting", mailboxes.awaitMessage(to, id).get("subject").asText());
        }
    }

    @Test
    void theSameRecipientTwiceInATransactionGetsOneCopy() throws IOException {
        String to = newMailbox(node);
        try (SmtpClient smtp = connect(node)) {
            String twice = send(smtp, "<a@sender.test>", message("twice"), to, to.toUpperCase(), to);
            String marker = send(smtp, "<a@sender.test>", message("marker"), to);
            mailboxes.awaitMessage(to, marker);
            assertEquals(1, mailboxes.messages(to).stream()
                    .filter(stored -> stored.get("queueId").asText().equals(twice)).count());
        }
    }

    @Test
    void aNonAsciiSenderNeedsTheSmtputf8Parameter() throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertEquals("553 5.6.7 Non-ASCII address requires the SMTPUTF8 parameter",
                    smtp.command("MAIL FROM:<jörg@sender.test>"));
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<jörg@sender.test> SMTPUTF8"));
        }
    }

    @Test
    void aNonAsciiRecipientNeedsTheSmtputf8Parameter() throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<a@sender.test>"));
            assertEquals("553 5.6.7 Non-ASCII address requires the SMTPUTF8 parameter",
                    smtp.command("RCPT TO:<jörg@example.test>"));
        }
    }

    @Test
    void oneBadClientDoesNotHurtAnotherSession() throws IOException {
        String to = newMailbox(node);
        try (SmtpClient bad = connect(node); SmtpClient good = connect(node)) {
            bad.send("NOOP " + "x".repeat(1_000_000));
            assertEquals("500 5.5.2 Error: line too long", bad.reply());
            String id = send(good, "<a@sender.test>", message("unharmed"), to);
            assertEquals("unharmed", mailboxes.awaitMessage(to, id).get("subject").asText());
            assertEquals(OK, bad.command("\r\nNOOP"));
        }
    }

    /** A node whose limits are small enough to reach. */
    @Nested
    class Limits {

        @TempDir static Path limitedDir;
        static TestNode limited;
        static MailboxReader limitedMailboxes;

        @BeforeAll
        static void start() {
            limited = TestNode.start(limitedDir, Map.of(
                    "postillion.smtp.max-recipients", 3,
                    "postillion.smtp.max-message-size", 1024,
                    "postillion.smtp.error-limit", 3), Clock.systemUTC());
            limitedMailboxes = new MailboxReader(limited);
        }

        @AfterAll
        static void stop() {
            limited.close();
        }

        @Test
        void ehloAnnouncesTheConfiguredSize() throws IOException {
            try (SmtpClient smtp = new SmtpClient(limited.smtpPort())) {
                smtp.reply();
                assertTrue(smtp.command("EHLO client.test").contains("\n250-SIZE 1024\n"));
            }
        }

        @Test
        void recipientsBeyondTheLimitAreDeferredAndTheOthersGetTheMessage() throws IOException {
            List<String> accepted = List.of(newMailbox(limited), newMailbox(limited), newMailbox(limited));
            String fourth = newMailbox(limited);
            try (SmtpClient smtp = connect(limited)) {
                assertEquals(SENDER_OK, smtp.command("MAIL FROM:<a@sender.test>"));
                for (String to : accepted) {
                    assertEquals(RECIPIENT_OK, smtp.command("RCPT TO:<" + to + ">"));
                }
                assertEquals("452 4.5.3 Error: too many recipients", smtp.command("RCPT TO:<" + fourth + ">"));
                assertEquals(START_DATA, smtp.command("DATA"));
                String id = queueId(smtp.command(message("three of four") + "."));
                accepted.forEach(to -> limitedMailboxes.awaitMessage(to, id));
                assertEquals(List.of(), limitedMailboxes.messages(fourth));
            }
        }

        @Test
        void aDeclaredSizeOverTheLimitIsRefusedAtMail() throws IOException {
            try (SmtpClient smtp = connect(limited)) {
                assertEquals(TOO_BIG, smtp.command("MAIL FROM:<a@sender.test> SIZE=1025"));
                assertEquals(SENDER_OK, smtp.command("MAIL FROM:<a@sender.test> SIZE=1024"));
            }
        }

        @Test
        void aMessageOverTheLimitIsRefusedAndTheSessionGoesOn() throws IOException {
            String to = newMailbox(limited);
            try (SmtpClient smtp = connect(limited)) {
                assertEquals(TOO_BIG, transaction(smtp, "<a@sender.test>", message("big") + "x".repeat(2000) + "\r\n", to));
                String id = send(smtp, "<a@sender.test>", message("small"), to);
                assertEquals("small", limitedMailboxes.awaitMessage(to, id).get("subject").asText());
                assertEquals(1, limitedMailboxes.messages(to).size());
            }
        }

        @Test
        void tooManyErrorsEndTheSession() throws IOException {
            try (SmtpClient smtp = connect(limited)) {
                assertEquals("500 5.5.2 Error: command not recognized", smtp.command("FROB"));
                assertEquals("500 5.5.2 Error: command not recognized", smtp.command("FROB"));
                assertEquals("500 5.5.2 Error: command not recognized", smtp.command("FROB"));
                assertEquals("421 4.7.0 mx.test Error: too many errors", smtp.reply());
                assertTrue(smtp.closedByServer());
            }
        }
    }

    /** RFC 5321 section 4.5.3.2: a silent client is let go. */
    @Nested
    class IdleTimeout {

        @TempDir static Path idleDir;
        static TestNode impatient;

        @BeforeAll
        static void start() {
            impatient = TestNode.start(idleDir, Map.of("postillion.smtp.idle-timeout", "1s"), Clock.systemUTC());
        }

        @AfterAll
        static void stop() {
            impatient.close();
        }

        @Test
        void aSilentClientGets421AndIsDisconnected() throws IOException {
            try (SmtpClient smtp = new SmtpClient(impatient.smtpPort())) {
                assertEquals(GREETING, smtp.reply());
                assertEquals("421 4.4.2 mx.test Error: timeout exceeded", smtp.reply());
                assertTrue(smtp.closedByServer());
            }
        }
    }

    static String newMailbox(TestNode on) {
        String address = "user" + USERS.incrementAndGet() + "@example.test";
        on.createMailbox(address);
        return address;
    }

    /** Connects, checks the greeting, and says EHLO. */
    static SmtpClient connect(TestNode on) throws IOException {
        SmtpClient smtp = new SmtpClient(on.smtpPort());
        assertEquals(GREETING, smtp.reply());
        assertTrue(smtp.command("EHLO client.test").startsWith("250-mx.test\n"));
        return smtp;
    }

    /** A small message; its body is one line, "body". */
    static String message(String subject) {
        return "From: Sender <sender@sender.test>\r\nTo: someone@example.test\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + subject.replace(' ', '-') + "@sender.test>\r\n\r\nbody\r\n";
    }

    /** Sends one message that must be queued, and returns its queue id. */
    static String send(SmtpClient smtp, String reversePath, String content, String... recipients) throws IOException {
        return queueId(transaction(smtp, reversePath, content, recipients));
    }

    /** MAIL, RCPT (each accepted), DATA, the content (already dot-stuffed, ending in CRLF): the final reply. */
    static String transaction(SmtpClient smtp, String reversePath, String content, String... recipients)
            throws IOException {
        return commands(smtp, "MAIL FROM:" + reversePath, content,
                Arrays.stream(recipients).map(recipient -> "RCPT TO:<" + recipient + ">").toArray(String[]::new));
    }

    /** As {@link #transaction}, with whole MAIL and RCPT commands, parameters and all. */
    static String commands(SmtpClient smtp, String mail, String content, String... rcpts) throws IOException {
        assertEquals(SENDER_OK, smtp.command(mail));
        for (String rcpt : rcpts) {
            assertEquals(RECIPIENT_OK, smtp.command(rcpt));
        }
        assertEquals(START_DATA, smtp.command("DATA"));
        return smtp.command(content + ".");
    }

    static String queueId(String reply) {
        Matcher queued = QUEUED.matcher(reply);
        assertTrue(queued.matches(), reply);
        return queued.group(1);
    }

    private static String receivedHeaders(int count) {
        return IntStream.range(0, count)
                .mapToObj(hop -> "Received: from hop" + hop + ".test by hop" + (hop + 1) + ".test; Mon, 2 Nov 2026 10:00:00 +0000\r\n")
                .collect(Collectors.joining());
    }
}
