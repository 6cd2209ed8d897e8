package dev.postillion.mailbox.responder;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.postillion.core.MessageHeaders;
import dev.postillion.mailbox.responder.AutoReplyPolicy.Answer;
import dev.postillion.mailbox.responder.AutoReplyPolicy.Decision;
import dev.postillion.mailbox.responder.AutoReplyPolicy.Skip;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AutoReplyPolicyTest {

    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
    private static final Set<String> OWN = Set.of("anna@example.com", "info@example.com");
    private static final String SENDER = "bob@example.org";
    private static final String BASE =
            "From: Bob <bob@example.org>\r\nSubject: Lunch\r\nMessage-ID: <1@example.org>\r\n";
    private static final Responder RESPONDER = new Responder("r1", "Holidays", "I am away.", Optional.empty(),
            Optional.empty(), Optional.empty(), Set.of(), Optional.empty(), List.of("boss@example.com",
                    "@partner.example"));

    private final AutoReplyPolicy policy = new AutoReplyPolicy();

    @Test
    void ordinaryMessageIsAnswered() {
        assertEquals(new Answer(), decide(SENDER, "To: Anna <anna@example.com>\r\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "<>", " <> "})
    void nullSenderIsNeverAnswered(String sender) {
        assertSkip("sender is the null sender", decide(sender, "To: anna@example.com\r\n"));
    }

    @Test
    void spamIsNeverAnswered() {
        Decision decision = policy.decide(RESPONDER, new IncomingMessage(SENDER, headers("To: anna@example.com\r\n"),
                true), OWN, ZoneOffset.UTC, NOW, Optional.empty());
        assertSkip("message is spam", decision);
    }

    @ParameterizedTest
    @CsvSource({
        "MAILER-DAEMON@mx.example.org, mailer-daemon",
        "MAILER-DAEMON, mailer-daemon",
        "Postmaster@example.org, postmaster",
        "listserv@lists.example.org, listserv",
        "majordomo@example.org, majordomo",
        "mailman@lists.example.org, mailman",
        "owner-staff@lists.example.org, owner-*",
        "staff-request@lists.example.org, *-request",
        "staff-bounces+anna=example.com@lists.example.org, *-bounces",
        "staff-owner@lists.example.org, *-owner",
        "noreply@shop.example, noreply",
        "No-Reply+orders@shop.example, no-reply",
        "no_reply@shop.example, no_reply",
        "do-not-reply@shop.example, do-not-reply",
        "DoNotReply@shop.example, donotreply",
        "do_not_reply@shop.example, do_not_reply",
        "bounce-4711-anna=example.com@news.example, bounce-*",
        "bounces@news.example, bounces",
        "'\"noreply\"@shop.example', noreply"
    })
    void automatedSendersAreNeverAnswered(String sender, String rule) {
        assertSkip("sender " + sender + " is an automated address (" + rule + ")",
                decide(sender, "To: anna@example.com\r\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"owner@example.org", "request@example.org", "-request@example.org",
            "owner-@example.org", "replyall@example.org", "post.master@example.org", "noreplyplease@example.org"})
    void peopleWithSimilarNamesAreAnswered(String sender) {
        assertEquals(new Answer(), decide(sender, "To: anna@example.com\r\n"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "auto-generated | Auto-Submitted: auto-generated",
        "Auto-Replied | Auto-Submitted: auto-replied",
        "auto-notified; owner-email=\"x@example.org\" | Auto-Submitted: auto-notified",
        "(by a robot) auto-generated | Auto-Submitted: auto-generated",
        "'' | Auto-Submitted without a value",
        "yes | Auto-Submitted: yes"
    })
    void autoSubmittedOtherThanNoIsNeverAnswered(String value, String reason) {
        assertSkip(reason, decide(SENDER, "To: anna@example.com\r\nAuto-Submitted: " + value + "\r\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"no", "No", "no (a person wrote this)", " no ; comment=1"})
    void autoSubmittedNoIsAnswered(String value) {
        assertEquals(new Answer(), decide(SENDER, "To: anna@example.com\r\nAuto-Submitted: " + value + "\r\n"));
    }

    @Test
    void anyAutoSubmittedFieldCounts() {
        assertSkip("Auto-Submitted: auto-replied", decide(SENDER,
                "To: anna@example.com\r\nAuto-Submitted: no\r\nauto-submitted: auto-replied\r\n"));
    }

    @ParameterizedTest
    @CsvSource({"bulk, bulk", "List, list", "JUNK, junk", "bulk (newsletter), bulk"})
    void bulkPrecedenceIsNeverAnswered(String value, String keyword) {
        assertSkip("Precedence: " + keyword, decide(SENDER, "To: anna@example.com\r\nPrecedence: " + value + "\r\n"));
    }

    @Test
    void otherPrecedenceIsAnswered() {
        assertEquals(new Answer(), decide(SENDER, "To: anna@example.com\r\nPrecedence: first-class\r\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"List-Id: Staff <staff.lists.example.org>", "List-Unsubscribe: <mailto:leave@example.org>",
            "list-post: <mailto:staff@lists.example.org>", "List-Help: <https://lists.example.org/help>",
            "List-Subscribe: <mailto:join@example.org>", "List-Owner: <mailto:owner@example.org>",
            "List-Archive: <https://lists.example.org/archive>", "List-Unsubscribe-Post: List-Unsubscribe=One-Click"})
    void listMailIsNeverAnswered(String field) {
        String name = field.substring(0, field.indexOf(':'));
        assertSkip("mailing-list message (" + name + " field)",
                decide(SENDER, "To: anna@example.com\r\n" + field + "\r\n"));
    }

    @Test
    void excludedAddressIsNeverAnswered() {
        assertSkip("sender Boss@EXAMPLE.com is excluded by 'boss@example.com'",
                decide("Boss@EXAMPLE.com", "To: anna@example.com\r\n"));
    }

    @Test
    void excludedDomainCoversItsAddressesButNotSubdomains() {
        assertSkip("sender carl@Partner.Example is excluded by '@partner.example'",
                decide("carl@Partner.Example", "To: anna@example.com\r\n"));
        assertEquals(new Answer(), decide("carl@sales.partner.example", "To: anna@example.com\r\n"));
    }

    @Test
    void mailNotNamingTheAddressIsNeverAnswered() {
        String reason = "not addressed to anna@example.com, info@example.com in To, Cc, Bcc, Resent-To, Resent-Cc, "
                + "Resent-Bcc";
        assertSkip(reason, decide(SENDER, "To: staff@example.com\r\nCc: \"anna@example.com\" <carl@example.com>\r\n"));
        assertSkip(reason, decide(SENDER, "Reply-To: anna@example.com\r\n"));
    }

    @Test
    void aliasInCcWithDisplayNameAndCommentCounts() {
        assertEquals(new Answer(), decide(SENDER,
                "To: staff@example.com\r\nCc: \"Office, Info\" <INFO@Example.COM> (the front desk)\r\n"));
    }

    @Test
    void addressInAGroupCounts() {
        assertEquals(new Answer(), decide(SENDER, "To: Team: carl@example.com, Anna <anna@example.com>;\r\n"));
    }

    @Test
    void addressOnAFoldedLineCounts() {
        assertEquals(new Answer(), decide(SENDER,
                "To: Carl <carl@example.com>,\r\n\tDora <dora@example.com>,\r\n"
                        + "  \"Anna A.\"\r\n <anna@example.com>\r\n"));
    }

    @Test
    void addressInASecondToFieldOrResentToCounts() {
        assertEquals(new Answer(), decide(SENDER, "To: carl@example.com\r\nTo: anna@example.com\r\n"));
        assertEquals(new Answer(), decide(SENDER, "To: carl@example.com\r\nResent-To: anna@example.com\r\n"));
    }

    @Test
    void senderAnsweredWithinTheIntervalIsNotAnsweredAgain() {
        Instant last = NOW.minus(Duration.ofDays(6).plusHours(23).plusMinutes(59));
        assertSkip("already answered bob@example.org at 2026-11-20T10:01:00Z, less than 7 days ago",
                decide(SENDER, "To: anna@example.com\r\n", Optional.of(last)));
    }

    @Test
    void senderIsAnsweredAgainOnceTheIntervalHasPassed() {
        String to = "To: anna@example.com\r\n";
        assertEquals(new Answer(), decide(SENDER, to, Optional.of(NOW.minus(Duration.ofDays(7)))));
        assertEquals(new Answer(), decide(SENDER, to, Optional.of(NOW.minus(Duration.ofDays(30)))));
    }

    @Test
    void intervalIsConfigurable() {
        AutoReplyPolicy daily = new AutoReplyPolicy(Duration.ofHours(24));
        IncomingMessage incoming = new IncomingMessage(SENDER, headers("To: anna@example.com\r\n"), false);
        assertSkip("already answered bob@example.org at 2026-11-26T10:00:01Z, less than 1 day ago",
                daily.decide(RESPONDER, incoming, OWN, ZoneOffset.UTC, NOW,
                        Optional.of(Instant.parse("2026-11-26T10:00:01Z"))));
        assertEquals(new Answer(), daily.decide(RESPONDER, incoming, OWN, ZoneOffset.UTC, NOW,
                Optional.of(Instant.parse("2026-11-26T10:00:00Z"))));
        assertEquals("interval must be positive, not PT0S",
                assertThrows(IllegalArgumentException.class, () -> new AutoReplyPolicy(Duration.ZERO)).getMessage());
    }

    @Test
    void intervalsAreDescribedInWholeUnits() {
        assertEquals("7 days", AutoReplyPolicy.describe(Duration.ofDays(7)));
        assertEquals("1 day", AutoReplyPolicy.describe(Duration.ofDays(1)));
        assertEquals("36 hours", AutoReplyPolicy.describe(Duration.ofHours(36)));
        assertEquals("90 minutes", AutoReplyPolicy.describe(Duration.ofMinutes(90)));
        assertEquals("PT1M30S", AutoReplyPolicy.describe(Duration.ofSeconds(90)));
    }

    @Test
    void inactiveResponderNeverAnswers() {
        Responder weekends = new Responder("r2", "Weekends", "Back on Monday.", Optional.empty(), Optional.empty(),
                Optional.empty(), EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), Optional.empty(), List.of());
        IncomingMessage incoming = new IncomingMessage(SENDER, headers("To: anna@example.com\r\n"), false);
        // Friday 2026-11-27 12:00Z is already Saturday 01:00 in Auckland.
        Instant fridayNoon = Instant.parse("2026-11-27T12:00:00Z");
        assertSkip("responder 'Weekends' is not active: it answers on [SATURDAY, SUNDAY] only and today is FRIDAY in Z",
                policy.decide(weekends, incoming, OWN, ZoneOffset.UTC, fridayNoon, Optional.empty()));
        assertEquals(new Answer(),
                policy.decide(weekends, incoming, OWN, ZoneId.of("Pacific/Auckland"), fridayNoon, Optional.empty()));
    }

    @Test
    void firstRuleThatRefusesIsTheReason() {
        assertSkip("sender is the null sender", decide("", "Precedence: bulk\r\nList-Id: <x.example.org>\r\n"));
        assertSkip("Precedence: bulk", decide(SENDER, "Precedence: bulk\r\nList-Id: <x.example.org>\r\n"));
    }

    private Decision decide(String sender, String fields) {
        return decide(sender, fields, Optional.empty());
    }

    private Decision decide(String sender, String fields, Optional<Instant> lastReply) {
        IncomingMessage incoming = new IncomingMessage(sender, headers(fields), false);
        return policy.decide(RESPONDER, incoming, OWN, ZoneOffset.UTC, NOW, lastReply);
    }

    private static MessageHeaders headers(String fields) {
        return MessageHeaders.parse((BASE + fields + "\r\nHello\r\n").getBytes(UTF_8));
    }

    private static void assertSkip(String reason, Decision decision) {
        assertEquals(new Skip(reason), decision);
    }
}
