package dev.postillion.mta;

import static dev.postillion.mta.SmtpProtocolTest.connect;
import static dev.postillion.mta.SmtpProtocolTest.send;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postillion.core.MutableClock;
import dev.postillion.queue.testing.FakeMx;
import dev.postillion.queue.testing.FakeMx.Transaction;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetHeaders;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The out-of-office responder of SPEC section 3 end to end: messages come in over SMTP, the
 * auto-reply leaves through the queue to a fake remote server (or into a local sender's mailbox),
 * and time is an injected clock. Each test has an address of its own and senders of its own.
 *
 * <p>That a message got no reply is shown without waiting: it is delivered first, then a later
 * message that does get a reply follows, and once that reply has arrived and the queue is empty,
 * only the later message has been answered.
 */
class ResponderIntegrationTest {

    private static final String DOMAIN = "resp.test";
    /** The senders' domain, whose mail goes to {@link #remote}. */
    private static final String REMOTE = "far.test";
    /** Another senders' domain, routed to {@link #remote} too, so that a wrong reply would be seen. */
    private static final String EXCLUDED = "excluded.test";
    private static final ZoneId AUCKLAND = ZoneId.of("Pacific/Auckland");
    private static final Duration DEADLINE = Duration.ofSeconds(15);
    private static final AtomicInteger NAMES = new AtomicInteger();

    @TempDir static Path dataDir;
    static MutableClock clock;
    static RemoteWorld world;
    static FakeMx remote;
    static TestNode node;
    static QueueApi queue;
    static MailboxReader mailboxes;

    @BeforeAll
    static void start() throws IOException {
        // Noon in UTC is already the next day in Auckland (UTC+13 in March).
        clock = new MutableClock(Instant.parse("2026-03-02T12:00:00Z"));
        world = RemoteWorld.start();
        remote = world.direct(REMOTE);
        world.route(EXCLUDED, "[127.0.0.1]:" + remote.port());
        node = TestNode.start(dataDir, world.settings(Map.of()), clock);
        queue = new QueueApi(node);
        mailboxes = new MailboxReader(node);
        HttpResponse<String> domain = node.post("/api/v1/domains", "{\"name\":\"" + DOMAIN + "\"}");
        assertEquals(201, domain.statusCode(), domain.body());
    }

    @AfterAll
    static void stop() {
        try {
            if (node != null) {
                node.close();
            }
        } finally {
            world.close();
        }
    }

    /** Every test leaves the queue empty, with every reply it caused delivered. */
    @AfterEach
    void queueIsEmpty() {
        queue.awaitEmpty();
    }

    // --- activation ---

    @Test
    void aResponderAnswersOnlyOnceActivatedAndActivatingAnotherDeactivatesTheFirst() throws Exception {
        String address = newAddress("act");
        String holidays = createResponder(address, "{\"name\":\"Holidays\",\"text\":\"Away on holidays.\"}");
        String training = createResponder(address, "{\"name\":\"Training\",\"text\":\"At a training.\"}");
        assertEquals(List.of(false, false), activeFlags(address));
        assertTrue(addressJson(address).get("activeResponder").isNull());

        String beforeActivation = deliver(newSender(), address, address, "before activation");

        HttpResponse<String> activated = activate(address, holidays);
        assertEquals(holidays, QueueApi.json(activated).get("id").asText());
        assertTrue(QueueApi.json(activated).get("active").asBoolean());
        assertEquals(List.of(true, false), activeFlags(address));
        String first = deliver(newSender(), address, address, "first responder");
        assertEquals("Away on holidays.\r\n", body(awaitReply(first)));

        activate(address, training);
        assertEquals(List.of(false, true), activeFlags(address));
        assertEquals(training, addressJson(address).get("activeResponder").asText());
        String second = deliver(newSender(), address, address, "second responder");
        assertEquals("At a training.\r\n", body(awaitReply(second)));

        assertEquals(Set.of(first, second), answered(beforeActivation, first, second));
    }

    // --- the reply ---

    @Test
    void theReplyIsANewMessageFromTheNullSenderThreadedUnderTheOriginal() throws Exception {
        String address = newAddress("reply");
        activate(address, createResponder(address,
                "{\"name\":\"Away\",\"text\":\"I am away until Monday.\\nUrgent matters: call the office.\"}"));
        String sender = newSender();
        String messageId = newMessageId();
        String content = "From: Sender <" + sender + ">\r\nTo: " + address + "\r\nSubject: Quarterly report\r\n"
                + "Message-ID: " + messageId + "\r\nReferences: <thread-start@far.test>\r\n\r\nThe report.\r\n";
        String id;
        try (SmtpClient smtp = connect(node)) {
            id = send(smtp, "<" + sender + ">", content, address);
        }
        JsonNode original = mailboxes.awaitMessage(address, id);
        assertEquals("INBOX", original.get("folder").asText());

        Transaction reply = awaitReply(messageId);
        assertEquals("", reply.sender(), "the reply is sent with the null sender, MAIL FROM:<>");
        assertEquals(List.of(sender), reply.recipients().stream().map(FakeMx.Recipient::address).toList());
        InternetHeaders headers = headers(reply);
        assertEquals(address, header(headers, "From"));
        assertEquals(sender, header(headers, "To"));
        assertEquals("Auto: Quarterly report", header(headers, "Subject"));
        assertEquals("auto-replied", header(headers, "Auto-Submitted"));
        assertEquals(messageId, header(headers, "In-Reply-To"));
        assertEquals("<thread-start@far.test> " + messageId, header(headers, "References"));
        assertTrue(header(headers, "Message-ID").matches("<[0-9a-f]{32}@" + TestNode.HOSTNAME + ">"),
                header(headers, "Message-ID"));
        assertNotEquals(messageId, header(headers, "Message-ID"));
        assertEquals("I am away until Monday.\r\nUrgent matters: call the office.\r\n", body(reply));
    }

    @Test
    void aConfiguredSubjectAndAVerifiedAlternativeFromAreUsed() throws Exception {
        String address = newAddress("from");
        String other = newAddress("other");
        String alias = "alias-" + address.substring(0, address.indexOf('@'));
        assertEquals(201, node.post(path(address) + "/aliases", "{\"localPart\":\"" + alias + "\"}").statusCode());

        HttpResponse<String> stranger = node.post(path(address) + "/responders",
                "{\"name\":\"Away\",\"text\":\"Away.\",\"from\":\"boss@far.test\"}");
        assertEquals(400, stranger.statusCode(), stranger.body());
        assertEquals("from boss@far.test is neither the address nor one of its aliases", error(stranger));
        HttpResponse<String> neighbour = node.post(path(address) + "/responders",
                "{\"name\":\"Away\",\"text\":\"Away.\",\"from\":\"" + other + "\"}");
        assertEquals(400, neighbour.statusCode(), neighbour.body());
        assertEquals("from " + other + " is neither the address nor one of its aliases", error(neighbour));

        activate(address, createResponder(address, "{\"name\":\"Away\",\"text\":\"Away.\","
                + "\"subject\":\"Out of office\","
                + "\"from\":\"" + alias + "@" + DOMAIN + "\"}"));
        String messageId = deliver(newSender(), address, address, "meeting on friday");
        InternetHeaders reply = headers(awaitReply(messageId));
        assertEquals(alias + "@" + DOMAIN, header(reply, "From"));
        assertEquals("Out of office", header(reply, "Subject"));
        assertEquals(messageId, header(reply, "In-Reply-To"));
    }

    @Test
    void aLocalSenderGetsTheReplyInItsMailbox() throws Exception {
        String address = newAddress("local");
        String colleague = newAddress("colleague");
        activate(address, createResponder(address, "{\"name\":\"Away\",\"text\":\"Back on Monday.\"}"));

        String messageId = deliver(colleague, address, address, "lunch today");

        JsonNode reply = mailboxes.awaitSubject(colleague, "Auto: lunch today", 1).get(0);
        assertEquals(1, mailboxes.messages(colleague).size());
        assertEquals("<>", reply.get("returnPath").asText());
        assertEquals(address, reply.get("from").asText());
        String raw = mailboxes.raw(colleague, reply);
        assertTrue(raw.startsWith("Return-Path: <>\r\nDelivered-To: " + colleague + "\r\n"), raw);
        InternetHeaders headers = new InternetHeaders(new ByteArrayInputStream(mailboxes.bytes(colleague, reply)));
        assertEquals("auto-replied", header(headers, "Auto-Submitted"));
        assertEquals(messageId, header(headers, "In-Reply-To"));
        assertEquals(messageId, header(headers, "References"));
        assertEquals(colleague, header(headers, "To"));
        assertTrue(raw.endsWith("\r\n\r\nBack on Monday.\r\n"), raw);
    }

    // --- once per sender ---

    @Test
    void eachSenderIsAnsweredOnceThenAgainAfterSevenDaysOrAfterAReset() throws Exception {
        String address = newAddress("once");
        activate(address, createResponder(address, "{\"name\":\"Away\",\"text\":\"Away for a while.\"}"));
        String sender = newSender();

        String first = deliver(sender, address, address, "first");
        awaitReply(first);
        String second = deliver(sender, address, address, "second");
        String otherSender = deliver(newSender(), address, address, "other sender");
        awaitReply(otherSender);
        queue.awaitEmpty();
        assertEquals(List.of(first), repliesTo(sender), "the second message came within 7 days");

        clock.advance(Duration.ofDays(7));
        String weekLater = deliver(sender, address, address, "a week later");
        awaitReply(weekLater);
        String again = deliver(sender, address, address, "again");

        HttpResponse<String> reset = node.send(node.request(path(address) + "/responders/reset")
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(204, reset.statusCode(), reset.body());
        String afterReset = deliver(sender, address, address, "after reset");
        awaitReply(afterReset);
        queue.awaitEmpty();
        assertEquals(List.of(first, weekLater, afterReset), repliesTo(sender));
        assertEquals(Set.of(first, weekLater, afterReset, otherSender),
                answered(first, second, otherSender, weekLater, again, afterReset));
    }

    // --- whom it never answers ---

    @Test
    void automatedListBulkAndNullSendersAreNeverAnswered() throws Exception {
        String address = newAddress("auto");
        activate(address, createResponder(address, "{\"name\":\"Away\",\"text\":\"Away.\"}"));
        List<String> unanswered = new ArrayList<>();
        unanswered.add(deliverFrom("<>", address, message(address, "bounce")));
        unanswered.add(deliverFrom("<MAILER-DAEMON@" + REMOTE + ">", address, message(address, "daemon")));
        unanswered.add(deliverFrom("<postmaster@" + REMOTE + ">", address, message(address, "postmaster")));
        unanswered.add(deliver(newSender(), address, address, "bulk", "Precedence: bulk"));
        unanswered.add(deliver(newSender(), address, address, "list", "List-Id: News <news.far.test>"));
        unanswered.add(deliver(newSender(), address, address, "unsubscribe", "List-Unsubscribe: <mailto:u@far.test>"));
        unanswered.add(deliver(newSender(), address, address, "generated", "Auto-Submitted: auto-generated"));
        unanswered.add(deliver(newSender(), address, address, "replied", "Auto-Submitted: auto-replied"));
        String spammer = newSender();
        HttpResponse<String> lists = node.put(path(address) + "/lists", "{\"block\":[\"" + spammer + "\"]}");
        assertEquals(200, lists.statusCode(), lists.body());
        String spam = newMessageId();
        String spamId;
        try (SmtpClient smtp = connect(node)) {
            spamId = send(smtp, "<" + spammer + ">", message(address, spam, "spam"), address);
        }
        assertEquals("Junk", mailboxes.awaitMessage(address, spamId).get("folder").asText());
        unanswered.add(spam);

        String probe = deliver(newSender(), address, address, "a person", "Auto-Submitted: no");
        awaitReply(probe);
        List<String> all = new ArrayList<>(unanswered);
        all.add(probe);
        assertEquals(Set.of(probe), answered(all.toArray(String[]::new)));
    }

    @Test
    void excludedSendersAndDomainsAreNeverAnswered() throws Exception {
        String address = newAddress("exclude");
        String excludedSender = newSender();
        activate(address, createResponder(address, "{\"name\":\"Away\",\"text\":\"Away.\",\"exclude\":[\""
                + excludedSender + "\",\"@" + EXCLUDED + "\"]}"));

        String excluded = deliver(upperLocalPart(excludedSender), address, address, "excluded");
        String excludedDomain = deliver("anyone@" + EXCLUDED, address, address, "excluded domain");
        String probe = deliver(newSender(), address, address, "not excluded");
        awaitReply(probe);
        assertEquals(Set.of(probe), answered(excluded, excludedDomain, probe));
    }

    @Test
    void mailNotAddressedToTheAddressOrOneOfItsAliasesIsNotAnswered() throws Exception {
        String address = newAddress("named");
        String alias = "nick-" + address.substring(0, address.indexOf('@'));
        assertEquals(201, node.post(path(address) + "/aliases", "{\"localPart\":\"" + alias + "\"}").statusCode());
        activate(address, createResponder(address, "{\"name\":\"Away\",\"text\":\"Away.\"}"));

        String viaList = newMessageId();
        String viaListId;
        try (SmtpClient smtp = connect(node)) {
            viaListId = send(smtp, "<" + newSender() + ">", "From: a@far.test\r\nTo: team@far.test\r\n"
                    + "Subject: via list\r\nMessage-ID: " + viaList + "\r\n\r\nbody\r\n", address);
        }
        mailboxes.awaitMessage(address, viaListId);
        String ccToAlias = newMessageId();
        String ccId;
        try (SmtpClient smtp = connect(node)) {
            ccId = send(smtp, "<" + newSender() + ">", "From: b@far.test\r\nTo: team@far.test\r\nCc: Nick <"
                    + alias.toUpperCase(Locale.ROOT) + "@" + DOMAIN + ">\r\nSubject: cc to the alias\r\n"
                    + "Message-ID: " + ccToAlias + "\r\n\r\nbody\r\n", alias + "@" + DOMAIN);
        }
        mailboxes.awaitMessage(address, ccId);
        awaitReply(ccToAlias);
        assertEquals(Set.of(ccToAlias), answered(viaList, ccToAlias));
    }

    /** RFC 5233: mail to {@code anna+news@} naming that subaddress in its To field is addressed to anna. */
    @Test
    void mailToASubaddressNamingItIsAnswered() throws Exception {
        String address = newAddress("sub");
        String subaddress = address.replace("@", "+news@");
        activate(address, createResponder(address, "{\"name\":\"Away\",\"text\":\"Away.\"}"));

        String messageId = newMessageId();
        try (SmtpClient smtp = connect(node)) {
            String id = send(smtp, "<" + newSender() + ">", message(subaddress, messageId, "to a subaddress"),
                    subaddress);
            mailboxes.awaitMessage(address, id);
        }
        assertEquals("Away.\r\n", body(awaitReply(messageId)));
    }

    // --- when it is active ---

    @Test
    void aResponderIsInactiveBeforeItsStart() throws Exception {
        String address = newAddress("start");
        Instant now = clock.instant();
        String start = LocalDateTime.ofInstant(now.plus(Duration.ofHours(1)), ZoneOffset.UTC).toString();
        activate(address, createResponder(address,
                "{\"name\":\"Later\",\"text\":\"Away.\",\"start\":\"" + start + "\"}"));

        String early = deliver(newSender(), address, address, "too early");
        clock.advance(Duration.ofHours(1));
        String onTime = deliver(newSender(), address, address, "on time");
        awaitReply(onTime);
        assertEquals(Set.of(onTime), answered(early, onTime));
    }

    @Test
    void aResponderIsInactiveFromItsEnd() throws Exception {
        String address = newAddress("end");
        Instant now = clock.instant();
        String id = createResponder(address, "{\"name\":\"Over\",\"text\":\"Away.\",\"start\":\""
                + now.minus(Duration.ofDays(1)) + "\",\"end\":\"" + now + "\"}");
        activate(address, id);

        String late = deliver(newSender(), address, address, "too late");
        HttpResponse<String> extended = node.put(path(address) + "/responders/" + id, "{\"name\":\"Over\","
                + "\"text\":\"Away.\",\"start\":\"" + now.minus(Duration.ofDays(1)) + "\",\"end\":\""
                + now.plus(Duration.ofMinutes(1)) + "\"}");
        assertEquals(200, extended.statusCode(), extended.body());
        assertTrue(QueueApi.json(extended).get("active").asBoolean(), extended.body());
        String inTime = deliver(newSender(), address, address, "in time");
        awaitReply(inTime);
        assertEquals(Set.of(inTime), answered(late, inTime));
    }

    @Test
    void weekdaysAreThoseOfTheAddressTimeZone() throws Exception {
        String address = newAddress("weekday");
        Instant now = clock.instant();
        DayOfWeek inUtc = now.atZone(ZoneOffset.UTC).getDayOfWeek();
        DayOfWeek inAuckland = now.atZone(AUCKLAND).getDayOfWeek();
        assertNotEquals(inUtc, inAuckland, "the test needs a moment when the days differ");
        activate(address, createResponder(address, "{\"name\":\"Weekly\",\"text\":\"Not today.\",\"weekdays\":[\""
                + inAuckland + "\"]}"));

        String notListed = deliver(newSender(), address, address, "day not listed");
        setAucklandTime(address);
        String listed = deliver(newSender(), address, address, "day listed");
        awaitReply(listed);
        assertEquals(Set.of(listed), answered(notListed, listed));
    }

    @Test
    void aLocalStartIsReadInTheAddressTimeZone() throws Exception {
        String address = newAddress("zone");
        Instant now = clock.instant();
        LocalDateTime aucklandMidnight = now.atZone(AUCKLAND).toLocalDate().atStartOfDay();
        assertTrue(aucklandMidnight.atZone(ZoneOffset.UTC).toInstant().isAfter(now), "midnight in Auckland "
                + aucklandMidnight + " is still to come in UTC");
        activate(address, createResponder(address, "{\"name\":\"From midnight\",\"text\":\"Away.\",\"start\":\""
                + aucklandMidnight + "\"}"));

        String utc = deliver(newSender(), address, address, "read in utc");
        setAucklandTime(address);
        String auckland = deliver(newSender(), address, address, "read in auckland");
        awaitReply(auckland);
        assertEquals(Set.of(auckland), answered(utc, auckland));
    }

    // --- helpers ---

    private static void setAucklandTime(String address) {
        HttpResponse<String> patched = node.patch(path(address), "{\"timeZone\":\"" + AUCKLAND + "\"}");
        assertEquals(200, patched.statusCode(), patched.body());
        assertEquals(AUCKLAND.getId(), QueueApi.json(patched).get("timeZone").asText());
    }

    private static String newAddress(String prefix) {
        String address = prefix + NAMES.incrementAndGet() + "@" + DOMAIN;
        node.createMailbox(address);
        return address;
    }

    private static String newSender() {
        return "sender" + NAMES.incrementAndGet() + "@" + REMOTE;
    }

    /** The same address with its local part in capitals: addresses compare case-insensitively. */
    private static String upperLocalPart(String address) {
        int at = address.indexOf('@');
        return address.substring(0, at).toUpperCase(Locale.ROOT) + address.substring(at);
    }

    private static String newMessageId() {
        return "<m" + NAMES.incrementAndGet() + "@" + REMOTE + ">";
    }

    private static String path(String address) {
        return "/api/v1/addresses/" + address;
    }

    private static String createResponder(String address, String json) {
        HttpResponse<String> created = node.post(path(address) + "/responders", json);
        assertEquals(201, created.statusCode(), created.body());
        JsonNode responder = QueueApi.json(created);
        assertFalse(responder.get("active").asBoolean(), "a new responder is inactive: " + created.body());
        return responder.get("id").asText();
    }

    private static HttpResponse<String> activate(String address, String id) {
        HttpResponse<String> activated = node.send(node.request(path(address) + "/responders/" + id + "/activate")
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, activated.statusCode(), activated.body());
        return activated;
    }

    private static List<Boolean> activeFlags(String address) {
        HttpResponse<String> list = node.get(path(address) + "/responders");
        assertEquals(200, list.statusCode(), list.body());
        List<Boolean> flags = new ArrayList<>();
        QueueApi.json(list).forEach(responder -> flags.add(responder.get("active").asBoolean()));
        return flags;
    }

    private static JsonNode addressJson(String address) {
        HttpResponse<String> response = node.get(path(address));
        assertEquals(200, response.statusCode(), response.body());
        return QueueApi.json(response);
    }

    private static String error(HttpResponse<String> response) {
        return QueueApi.json(response).get("error").asText();
    }

    /** A message To the address with this Message-ID, and extra header lines. */
    private static String message(String to, String messageId, String subject, String... extraHeaders) {
        StringBuilder content = new StringBuilder("From: Someone <someone@" + REMOTE + ">\r\nTo: " + to + "\r\n")
                .append("Subject: ").append(subject).append("\r\nMessage-ID: ").append(messageId).append("\r\n");
        for (String header : extraHeaders) {
            content.append(header).append("\r\n");
        }
        return content.append("\r\nHello.\r\n").toString();
    }

    private static String message(String to, String subject) {
        return message(to, newMessageId(), subject);
    }

    /**
     * Sends a message from {@code sender} to {@code recipient} (its To field naming {@code to}) and
     * waits until it is in the recipient's mailbox; returns its Message-ID.
     */
    private static String deliver(String sender, String to, String recipient, String subject, String... extraHeaders)
            throws IOException {
        String messageId = newMessageId();
        deliverFrom("<" + sender + ">", recipient, message(to, messageId, subject, extraHeaders));
        return messageId;
    }

    /** Sends the content with this reverse path, waits until it is stored, and returns its Message-ID. */
    private static String deliverFrom(String reversePath, String recipient, String content) throws IOException {
        String id;
        try (SmtpClient smtp = connect(node)) {
            id = send(smtp, reversePath, content, recipient);
        }
        mailboxes.awaitMessage(recipient, id);
        int start = content.indexOf("\r\nMessage-ID: ") + "\r\nMessage-ID: ".length();
        return content.substring(start, content.indexOf("\r\n", start));
    }

    private static Optional<Transaction> replyTo(String messageId) {
        return remote.transactions().stream()
                .filter(t -> t.text().contains("\r\nIn-Reply-To: " + messageId + "\r\n"))
                .findFirst();
    }

    private static Transaction awaitReply(String messageId) {
        return await("the reply to " + messageId).atMost(DEADLINE)
                .until(() -> replyTo(messageId), Optional::isPresent).orElseThrow();
    }

    /**
     * Which of the messages were answered, once every reply has left the queue: a reply is spooled
     * with the delivery it answers, so nothing is still to come for messages already delivered.
     */
    private static Set<String> answered(String... messageIds) {
        queue.awaitEmpty();
        Set<String> answered = new TreeSet<>();
        for (String messageId : messageIds) {
            replyTo(messageId).ifPresent(reply -> answered.add(messageId));
        }
        return answered;
    }

    /** The Message-IDs the replies received by {@code sender} answer, in the order they arrived. */
    private static List<String> repliesTo(String sender) throws MessagingException {
        List<String> answered = new ArrayList<>();
        for (Transaction transaction : remote.transactions()) {
            if (transaction.recipients().stream().anyMatch(r -> r.address().equals(sender))) {
                answered.add(header(headers(transaction), "In-Reply-To"));
            }
        }
        return answered;
    }

    private static InternetHeaders headers(Transaction transaction) throws MessagingException {
        return new InternetHeaders(new ByteArrayInputStream(transaction.content()));
    }

    /** The single field's value, unfolded. */
    private static String header(InternetHeaders headers, String name) {
        String[] values = headers.getHeader(name);
        assertTrue(values != null && values.length == 1, name + ": " + (values == null ? "none" : List.of(values)));
        return values[0].replaceAll("\r\n[ \t]+", " ").strip();
    }

    private static String body(Transaction transaction) {
        String text = transaction.text();
        return text.substring(text.indexOf("\r\n\r\n") + 4);
    }
}
