package dev.postillion.mailbox.responder;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.core.MessageHeaders;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AutoReplyTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC);
    private static final String ORIGINAL = "From: Bob <bob@example.org>\r\nTo: anna@example.com\r\n"
            + "Subject: Lunch on Friday\r\nMessage-ID: <lunch@example.org>\r\n"
            + "References: <a@example.org>\r\n <b@example.org>\r\n";

    private final AtomicInteger ids = new AtomicInteger();
    private final AutoReply autoReply = new AutoReply("mx.example.com", CLOCK, () -> "reply" + ids.incrementAndGet());

    @Test
    void replyHasEveryHeaderAndAPlainBody() {
        Responder responder = responder("I am away until 4 January.\nUrgent matters: office@example.com.\n");
        assertEquals("Date: Sat, 21 Nov 2026 10:00:00 +0000\r\n"
                + "From: anna@example.com\r\n"
                + "To: bob@example.org\r\n"
                + "Subject: Auto: Lunch on Friday\r\n"
                + "Message-ID: <reply1@mx.example.com>\r\n"
                + "In-Reply-To: <lunch@example.org>\r\n"
                + "References: <a@example.org> <b@example.org> <lunch@example.org>\r\n"
                + "Auto-Submitted: auto-replied\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n"
                + "Content-Transfer-Encoding: 7bit\r\n"
                + "\r\n"
                + "I am away until 4 January.\r\n"
                + "Urgent matters: office@example.com.\r\n", build(responder, ORIGINAL, "<bob@example.org>"));
    }

    @Test
    void everyReplyHasAFreshMessageId() {
        Responder responder = responder("Away.");
        assertTrue(build(responder, ORIGINAL, "bob@example.org").contains("Message-ID: <reply1@mx.example.com>\r\n"));
        assertTrue(build(responder, ORIGINAL, "bob@example.org").contains("Message-ID: <reply2@mx.example.com>\r\n"));
    }

    @Test
    void configuredSubjectAndFromAreUsed() {
        Responder responder = new Responder("r1", "Holidays", "Away.", Optional.of("Out of office"),
                Optional.empty(), Optional.empty(), Set.of(), Optional.of("office@example.com"), List.of());
        String reply = build(responder, ORIGINAL, "bob@example.org");
        assertEquals("Date: Sat, 21 Nov 2026 10:00:00 +0000\r\n"
                + "From: office@example.com\r\n"
                + "To: bob@example.org\r\n"
                + "Subject: Out of office\r\n", reply.substring(0, reply.indexOf("Message-ID:")));
    }

    @Test
    void nonAsciiSubjectIsEncoded() {
        String original = "Subject: Grüße aus Köln\r\nMessage-ID: <k@example.org>\r\n";
        assertEquals("Subject: =?UTF-8?Q?Auto:_Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=\r\n",
                field(build(responder("Away."), original, "bob@example.org"), "Subject"));
    }

    @Test
    void longNonAsciiSubjectIsSplitIntoEncodedWordsBetweenCharacters() {
        Responder responder = new Responder("r1", "Holidays", "Away.",
                Optional.of("Abwesenheitsnotiz: Ich bin bis zum 4. Januar nicht im Büro – danke für Ihre Geduld"),
                Optional.empty(), Optional.empty(), Set.of(), Optional.empty(), List.of());
        assertEquals("Subject: =?UTF-8?Q?Abwesenheitsnotiz:_Ich_bin_bis_zum_4._Januar_nicht_im_B?=\r\n"
                        + " =?UTF-8?Q?=C3=BCro_=E2=80=93_danke_f=C3=BCr_Ihre_Geduld?=\r\n",
                field(build(responder, ORIGINAL, "bob@example.org"), "Subject"));
    }

    @Test
    void longAsciiSubjectIsFolded() {
        String original = "Subject: Minutes of the quarterly planning meeting held on Tuesday with all the\r\n"
                + " department heads\r\n";
        assertEquals("Subject: Auto: Minutes of the quarterly planning meeting held on Tuesday with\r\n"
                        + " all the department heads\r\n",
                field(build(responder("Away."), original, "bob@example.org"), "Subject"));
    }

    @Test
    void originalSubjectIsUnfoldedAndAlreadyEncodedWordsStay() {
        assertEquals("Subject: Auto: Lunch on Friday\r\n",
                field(build(responder("Away."), "Subject: Lunch\r\n\ton\tFriday\r\n", "bob@example.org"), "Subject"));
        String encoded = "Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n";
        assertEquals("Subject: Auto: =?UTF-8?B?R3LDvMOfZQ==?=\r\n",
                field(build(responder("Away."), encoded, "bob@example.org"), "Subject"));
    }

    @Test
    void missingSubjectGivesAutoAlone() {
        assertEquals("Subject: Auto:\r\n", field(build(responder("Away."), "From: bob@example.org\r\n",
                "bob@example.org"), "Subject"));
    }

    @Test
    void inReplyToStandsInForMissingReferences() {
        String original = "Message-ID: <c@example.org>\r\nIn-Reply-To: <b@example.org> (Bob's note)\r\n";
        String reply = build(responder("Away."), original, "bob@example.org");
        assertEquals("In-Reply-To: <c@example.org>\r\n", field(reply, "In-Reply-To"));
        assertEquals("References: <b@example.org> <c@example.org>\r\n", field(reply, "References"));
    }

    @Test
    void inReplyToWithSeveralIdsIsNotAReferenceChain() {
        String original = "Message-ID: <c@example.org>\r\nIn-Reply-To: <a@example.org> <b@example.org>\r\n";
        assertEquals("References: <c@example.org>\r\n",
                field(build(responder("Away."), original, "bob@example.org"), "References"));
    }

    @Test
    void withoutAnyIdsThereIsNoThreading() {
        String reply = build(responder("Away."), "Subject: Hi\r\n", "bob@example.org");
        assertEquals("", field(reply, "In-Reply-To"));
        assertEquals("", field(reply, "References"));
    }

    @Test
    void referencesWithoutMessageIdAreKept() {
        String reply = build(responder("Away."), "References: <a@example.org> junk <b@example.org>\r\n",
                "bob@example.org");
        assertEquals("", field(reply, "In-Reply-To"));
        assertEquals("References: <a@example.org> <b@example.org>\r\n", field(reply, "References"));
    }

    @Test
    void longReferencesAreFolded() {
        String original = "Message-ID: <p@example.org>\r\nReferences: <m1@example.org> <m2@example.org> "
                + "<m3@example.org> <m4@example.org> <m5@example.org> <m6@example.org> <m7@example.org>\r\n";
        assertEquals("References: <m1@example.org> <m2@example.org> <m3@example.org>\r\n"
                        + " <m4@example.org> <m5@example.org> <m6@example.org> <m7@example.org>\r\n"
                        + " <p@example.org>\r\n",
                field(build(responder("Away."), original, "bob@example.org"), "References"));
    }

    @Test
    void nonAsciiTextIsQuotedPrintable() {
        String reply = build(responder("Grüße,\r\nAnna = Büro\r\n"), ORIGINAL, "bob@example.org");
        assertEquals("Content-Transfer-Encoding: quoted-printable\r\n\r\nGr=C3=BC=C3=9Fe,\r\nAnna =3D B=C3=BCro\r\n",
                reply.substring(reply.indexOf("Content-Transfer-Encoding:")));
    }

    @Test
    void longAsciiLinesAreQuotedPrintableWithSoftBreaks() {
        String line = "x".repeat(79);
        String reply = build(responder("Short line\n" + line), ORIGINAL, "bob@example.org");
        assertEquals("Content-Transfer-Encoding: quoted-printable\r\n\r\nShort line\r\n"
                        + "x".repeat(75) + "=\r\nxxxx\r\n",
                reply.substring(reply.indexOf("Content-Transfer-Encoding:")));
    }

    @Test
    void lineOfSeventyEightCharactersStaysPlain() {
        String line = "y".repeat(78);
        String reply = build(responder(line + "\rBye"), ORIGINAL, "bob@example.org");
        assertEquals("Content-Transfer-Encoding: 7bit\r\n\r\n" + line + "\r\nBye\r\n",
                reply.substring(reply.indexOf("Content-Transfer-Encoding:")));
    }

    @Test
    void everyLineEndsWithCrlf() {
        byte[] reply = autoReply.build(responder("One\nTwo\r\rFour"), "anna@example.com",
                incoming(ORIGINAL, "bob@example.org"));
        for (int i = 0; i < reply.length; i++) {
            if (reply[i] == '\n') {
                assertEquals('\r', reply[i - 1], "LF without CR at " + i);
            } else if (reply[i] == '\r') {
                assertEquals('\n', reply[i + 1], "CR without LF at " + i);
            }
        }
        String text = new String(reply, UTF_8);
        assertTrue(text.endsWith("\r\n\r\nOne\r\nTwo\r\n\r\nFour\r\n"), text);
    }

    @Test
    void nullSenderGetsNoReply() {
        assertEquals("a message from the null sender gets no reply (RFC 3834 section 2)",
                assertThrows(IllegalArgumentException.class, () -> build(responder("Away."), ORIGINAL, "<>"))
                        .getMessage());
    }

    @Test
    void badHostnameOrIdIsRefused() {
        assertEquals("hostname 'mx example' is not a domain name: character ' ' (space) not allowed in domain",
                assertThrows(IllegalArgumentException.class, () -> new AutoReply("mx example", CLOCK, () -> "x"))
                        .getMessage());
        AutoReply badIds = new AutoReply("mx.example.com", CLOCK, () -> "two words");
        assertEquals("unique id 'two words' cannot be the left side of a Message-ID",
                assertThrows(IllegalStateException.class, () -> badIds.build(responder("Away."), "anna@example.com",
                        incoming(ORIGINAL, "bob@example.org"))).getMessage());
    }

    @Test
    void randomIdsAreDotAtomsAndDiffer() {
        AutoReply random = AutoReply.withRandomIds("mx.example.com", CLOCK);
        String first = field(new String(random.build(responder("Away."), "anna@example.com",
                incoming(ORIGINAL, "bob@example.org")), UTF_8), "Message-ID");
        String second = field(new String(random.build(responder("Away."), "anna@example.com",
                incoming(ORIGINAL, "bob@example.org")), UTF_8), "Message-ID");
        assertTrue(first.matches("Message-ID: <[0-9a-f]{32}@mx\\.example\\.com>\r\n"), first);
        assertNotEquals(first, second);
    }

    @Test
    void replyParsesBackWithTheSameFields() {
        MessageHeaders headers = MessageHeaders.parse(autoReply.build(responder("Away."), "anna@example.com",
                incoming(ORIGINAL, "bob@example.org")));
        assertEquals(Optional.of("auto-replied"), headers.first("Auto-Submitted"));
        assertEquals(Optional.of("<a@example.org> <b@example.org> <lunch@example.org>"), headers.first("References"));
    }

    private String build(Responder responder, String originalHeaders, String sender) {
        return new String(autoReply.build(responder, "anna@example.com", incoming(originalHeaders, sender)), UTF_8);
    }

    private static IncomingMessage incoming(String originalHeaders, String sender) {
        return new IncomingMessage(sender, MessageHeaders.parse((originalHeaders + "\r\nHello\r\n").getBytes(UTF_8)),
                false);
    }

    private static Responder responder(String text) {
        return new Responder("r1", "Holidays", text, Optional.empty(), Optional.empty(), Optional.empty(), Set.of(),
                Optional.empty(), List.of());
    }

    /** The field with its folded lines, each ended by CRLF, or "" when the reply lacks it. */
    private static String field(String message, String name) {
        String headers = message.substring(0, message.indexOf("\r\n\r\n") + 2);
        int start = headers.startsWith(name + ":") ? 0 : headers.indexOf("\r\n" + name + ":") + 2;
        if (start == 1) {
            return "";
        }
        int end = start;
        do {
            end = headers.indexOf("\r\n", end) + 2;
        } while (end < headers.length() && (headers.charAt(end) == ' ' || headers.charAt(end) == '\t'));
        return headers.substring(start, end);
    }
}
