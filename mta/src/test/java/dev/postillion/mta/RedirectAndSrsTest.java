package dev.postillion.mta;

import static dev.postillion.mta.OutboundDeliveryTest.awaitTransaction;
import static dev.postillion.mta.OutboundDeliveryTest.transactionWith;
import static dev.postillion.mta.SmtpProtocolTest.SENDER_OK;
import static dev.postillion.mta.SmtpProtocolTest.connect;
import static dev.postillion.mta.SmtpProtocolTest.message;
import static dev.postillion.mta.SmtpProtocolTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postillion.core.MutableClock;
import dev.postillion.queue.testing.FakeMx;
import dev.postillion.queue.testing.FakeMx.Transaction;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Redirects and the Sender Rewriting Scheme over real SMTP in and out (SPEC section 2): what the
 * remote server receives as envelope, copies kept or not, bounces to SRS addresses reversed to the
 * original sender, forged and expired SRS addresses refused at RCPT.
 *
 * <p>The test client is in no relay network: what it sends to other domains is refused, as it would
 * be from a remote server sending a bounce back.
 */
class RedirectAndSrsTest extends NodeInRemoteWorld {

    private static final String DOMAIN = "redir.example";
    private static final String INVALID_SRS = "550 5.1.1 <%s>: Recipient address rejected: invalid SRS address: ";

    static MutableClock clock;
    static FakeMx mx;
    static FakeMx origin;

    @BeforeAll
    static void start() throws IOException {
        mx = startWorld().mx();
        origin = world.direct("origin.test");
        clock = new MutableClock(Instant.now());
        node = TestNode.start(dataDir, world.settings(Map.of("postillion.smtp.relay-networks", List.of())), clock);
        queue = new QueueApi(node);
        mailboxes = new MailboxReader(node);
    }

    @AfterEach
    void queueEmpty() {
        queue.awaitEmpty();
    }

    @Test
    void aRedirectWithoutCopySendsTheMessageOnWithAnSrsSenderAndKeepsNothing() throws IOException {
        String address = "fwd@" + DOMAIN;
        node.createMailbox(address);
        HttpResponse<String> set = node.put("/api/v1/addresses/" + address + "/redirect",
                "{\"targets\":[\"someone@remote.test\"],\"keepCopy\":false}");
        assertEquals(200, set.statusCode(), set.body());
        assertEquals("someone@remote.test", QueueApi.json(set).get("targets").get(0).asText());
        assertFalse(QueueApi.json(set).get("keepCopy").asBoolean());

        String id = sendFrom("alice@origin.test", "redirected without copy", address);

        Transaction forwarded = awaitTransaction(mx, "<redirected-without-copy@sender.test>");
        assertSrs0(forwarded.sender(), "origin.test", "alice");
        assertEquals(List.of("someone@remote.test"), addresses(forwarded));
        assertHeader(forwarded.text(), "Delivered-To: " + address);
        queue.awaitGone(id);
        queue.awaitEmpty();
        assertEquals(List.of(), mailboxes.messages(address), "no copy kept");
    }

    @Test
    void aRedirectWithCopyKeepsOneAndSendsTheMessageOn() throws IOException {
        String address = "keep@" + DOMAIN;
        node.createMailbox(address);
        redirect(address, true, "kept-too@remote.test");

        String id = sendFrom("bob@origin.test", "redirected with copy", address);

        Transaction forwarded = awaitTransaction(mx, "<redirected-with-copy@sender.test>");
        assertSrs0(forwarded.sender(), "origin.test", "bob");
        assertEquals(List.of("kept-too@remote.test"), addresses(forwarded));
        JsonNode kept = mailboxes.awaitMessage(address, id);
        assertEquals("INBOX", kept.get("folder").asText());
        assertEquals("<bob@origin.test>", kept.get("returnPath").asText());
        queue.awaitEmpty();
        assertEquals(1, mailboxes.messages(address).size());
    }

    @Test
    void aLocalTargetGetsTheOriginalSenderAndARemoteOneTheSrsSender() throws IOException {
        String address = "mixed@" + DOMAIN;
        String local = "inbox@local.example";
        node.createMailbox(address);
        node.createMailbox(local);
        redirect(address, false, local, "far@remote.test");

        String id = sendFrom("carl@origin.test", "local and remote", address);

        JsonNode stored = mailboxes.awaitSubject(local, "local and remote", 1).get(0);
        assertEquals("<carl@origin.test>", stored.get("returnPath").asText(), "no SRS for a local target");
        String raw = mailboxes.raw(local, stored);
        assertHeader(raw, "Delivered-To: " + local);
        assertHeader(raw, "Delivered-To: " + address);
        Transaction forwarded = awaitTransaction(mx, "<local-and-remote@sender.test>");
        assertSrs0(forwarded.sender(), "origin.test", "carl");
        assertEquals(List.of("far@remote.test"), addresses(forwarded));
        queue.awaitGone(id);
        queue.awaitEmpty();
        assertEquals(List.of(), mailboxes.messages(address));
        assertEquals(1, mailboxes.messages(local).size());
    }

    @Test
    void aBounceToTheSrsAddressIsRelayedToTheRemoteOriginalSender() throws IOException {
        String srs = srsAddressFor("dora@origin.test", "bounce-remote", "bounce-remote");

        String id;
        try (SmtpClient smtp = connect(node)) {
            id = send(smtp, "<>", bounce("bounce-back-remote"), srs);
        }

        Transaction returned = awaitTransaction(origin, "<bounce-back-remote@remote.test>");
        assertEquals("", returned.sender());
        assertEquals(List.of("dora@origin.test"), addresses(returned));
        queue.awaitGone(id);
        assertTrue(transactionWith(mx, "<bounce-back-remote@remote.test>").isEmpty());
    }

    @Test
    void whenTheRedirectTargetRefusesTheMessageTheOriginalSenderGetsTheReport() throws IOException {
        String address = "refused@" + DOMAIN;
        node.createMailbox(address);
        mx.rejectRecipient("nobody-there@remote.test", "550 5.1.1 <nobody-there@remote.test>: User unknown");
        redirect(address, false, "nobody-there@remote.test");

        String id = sendFrom("jack@origin.test", "forward refused", address);

        // The node's own failure report goes to the SRS sender of the forward, and on to the sender.
        Transaction report = awaitTransaction(origin, "<forward-refused@sender.test>");
        assertEquals("", report.sender());
        assertEquals(List.of("jack@origin.test"), addresses(report));
        assertTrue(report.text().contains("nobody-there@remote.test"), report.text());
        queue.awaitGone(id);
    }

    @Test
    void aBounceToTheSrsAddressOfAHostedSenderLandsInItsMailbox() throws IOException {
        // A sender at a domain hosted here is never rewritten: the domain is hosted after the forward.
        String srs = srsAddressFor("gus@later.example", "bounce-hosted", "bounce-hosted");
        node.createMailbox("gus@later.example");

        String id;
        try (SmtpClient smtp = connect(node)) {
            id = send(smtp, "<>", bounce("bounce-back-hosted"), srs);
        }

        JsonNode returned = mailboxes.awaitMessage("gus@later.example", id);
        assertEquals("<>", returned.get("returnPath").asText());
        assertEquals("Undelivered Mail Returned to Sender", returned.get("subject").asText());
        queue.awaitGone(id);
        assertTrue(transactionWith(mx, "<bounce-back-hosted@remote.test>").isEmpty());
        assertTrue(transactionWith(origin, "<bounce-back-hosted@remote.test>").isEmpty());
    }

    @Test
    void aBounceToTheSrsAddressOfAnUnknownHostedSenderIsRefusedAtRcpt() throws IOException {
        String srs = srsAddressFor("ghost@gone.example", "bounce-unknown", "bounce-unknown");
        node.createMailbox("someone-else@gone.example");

        try (SmtpClient smtp = connect(node)) {
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<>"));
            assertEquals("550 5.1.1 <" + srs + ">: Recipient address rejected: User unknown in virtual mailbox table",
                    smtp.command("RCPT TO:<" + srs + ">"));
        }
    }

    @Test
    void aForgedSrsAddressIsRefusedAtRcpt() throws IOException {
        String srs = srsAddressFor("hugo@origin.test", "forged", "forged");
        // SRS0=HHHH=...: change the first character of the hash (hashes compare in any letter case).
        char first = srs.charAt(5);
        String forged = srs.substring(0, 5) + (Character.toUpperCase(first) == 'A' ? 'B' : 'A') + srs.substring(6);

        String reply = rcptFromNullSender(forged);
        assertTrue(reply.startsWith(String.format(INVALID_SRS, forged)), reply);
        assertTrue(reply.contains("bad hash"), reply);

        String malformed = "SRS0=nohash@" + DOMAIN;
        String refused = rcptFromNullSender(malformed);
        assertTrue(refused.startsWith(String.format(INVALID_SRS, malformed)), refused);
    }

    @Test
    void anExpiredSrsAddressIsRefusedAtRcpt() throws IOException {
        String srs = srsAddressFor("iris@origin.test", "expiring", "expiring");
        // Still good within 21 days.
        clock.advance(Duration.ofDays(20));
        try (SmtpClient smtp = connect(node)) {
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<>"));
            assertEquals(SmtpProtocolTest.RECIPIENT_OK, smtp.command("RCPT TO:<" + srs + ">"));
            assertEquals(SmtpProtocolTest.OK, smtp.command("RSET"));
        }
        clock.advance(Duration.ofDays(2));

        String reply = rcptFromNullSender(srs);
        assertTrue(reply.startsWith(String.format(INVALID_SRS, srs)), reply);
        assertTrue(reply.contains("expired"), reply);
    }

    @Test
    void aRedirectToTheOriginalSenderIsSkippedForThatSenderOnly() throws IOException {
        String address = "circle@" + DOMAIN;
        node.createMailbox(address);
        redirect(address, false, "erin@origin.test", "other@remote.test");

        String fromTarget = sendFrom("Erin@origin.test", "from a target", address);
        Transaction toOther = awaitTransaction(mx, "<from-a-target@sender.test>");
        assertEquals(List.of("other@remote.test"), addresses(toOther));
        queue.awaitGone(fromTarget);
        queue.awaitEmpty();
        assertTrue(transactionWith(origin, "<from-a-target@sender.test>").isEmpty(), "nothing back to the sender");

        sendFrom("frank@origin.test", "from someone else", address);
        Transaction toErin = awaitTransaction(origin, "<from-someone-else@sender.test>");
        assertEquals(List.of("erin@origin.test"), addresses(toErin));
        assertSrs0(toErin.sender(), "origin.test", "frank");
        awaitTransaction(mx, "<from-someone-else@sender.test>");
        assertEquals(List.of(), mailboxes.messages(address));
    }

    /** Redirects a new address to a remote target, sends it mail from {@code sender}, and returns the SRS sender. */
    private static String srsAddressFor(String sender, String localPart, String subject) throws IOException {
        String address = localPart + "@" + DOMAIN;
        node.createMailbox(address);
        redirect(address, false, localPart + "@remote.test");
        sendFrom(sender, subject, address);
        Transaction forwarded = awaitTransaction(mx, "<" + subject + "@sender.test>");
        String[] parts = sender.split("@");
        assertSrs0(forwarded.sender(), parts[1], parts[0]);
        queue.awaitEmpty();
        return forwarded.sender();
    }

    private static void redirect(String address, boolean keepCopy, String... targets) {
        List<String> quoted = new ArrayList<>();
        for (String target : targets) {
            quoted.add("\"" + target + "\"");
        }
        HttpResponse<String> set = node.put("/api/v1/addresses/" + address + "/redirect",
                "{\"targets\":[" + String.join(",", quoted) + "],\"keepCopy\":" + keepCopy + "}");
        assertEquals(200, set.statusCode(), set.body());
    }

    private static String sendFrom(String sender, String subject, String... recipients) throws IOException {
        try (SmtpClient smtp = connect(node)) {
            return send(smtp, "<" + sender + ">", message(subject), recipients);
        }
    }

    private static String rcptFromNullSender(String recipient) throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertEquals(SENDER_OK, smtp.command("MAIL FROM:<>"));
            return smtp.command("RCPT TO:<" + recipient + ">");
        }
    }

    /** A non-delivery report as a remote server sends it back, to the null sender. */
    private static String bounce(String messageId) {
        return "From: Mail Delivery System <MAILER-DAEMON@remote.test>\r\nTo: whoever\r\n"
                + "Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <" + messageId + "@remote.test>\r\n"
                + "Auto-Submitted: auto-replied\r\n\r\nThe message could not be delivered.\r\n";
    }

    /** {@code SRS0=HHHH=TT=domain=local@redir.example}: a four-character hash, a two-character day stamp. */
    static void assertSrs0(String sender, String domain, String localPart) {
        Pattern srs0 = Pattern.compile("SRS0=[^=@]{4}=[A-Za-z2-7]{2}=" + Pattern.quote(domain) + "="
                + Pattern.quote(localPart) + "@" + Pattern.quote(DOMAIN));
        assertTrue(srs0.matcher(sender).matches(), sender);
    }

    static List<String> addresses(Transaction transaction) {
        return transaction.recipients().stream().map(FakeMx.Recipient::address).toList();
    }

    /** The header line is one of the message's header lines. */
    static void assertHeader(String message, String line) {
        String headers = message.substring(0, Math.max(0, message.indexOf("\r\n\r\n")));
        assertTrue(("\r\n" + headers + "\r\n").contains("\r\n" + line + "\r\n"), line + " in\n" + headers);
    }
}
