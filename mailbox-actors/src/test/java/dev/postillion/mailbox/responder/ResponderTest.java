package dev.postillion.mailbox.responder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResponderTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId AUCKLAND = ZoneId.of("Pacific/Auckland");

    @Test
    void minimalResponderIsAlwaysActive() {
        Responder responder = responder(Optional.empty(), Optional.empty(), Set.of());
        assertTrue(responder.activeAt(Instant.parse("2000-01-01T00:00:00Z"), ZoneOffset.UTC));
        assertTrue(responder.activeAt(Instant.parse("2100-01-01T00:00:00Z"), BERLIN));
    }

    @Test
    void localStartAndEndAreReadInTheAddressZone() {
        // 08:00 in Berlin in December (UTC+1) is 07:00Z; the window is [start, end).
        Responder responder = window("2026-12-20T08:00", "2027-01-04T08:00:00");
        assertFalse(responder.activeAt(Instant.parse("2026-12-20T06:59:59Z"), BERLIN));
        assertTrue(responder.activeAt(Instant.parse("2026-12-20T07:00:00Z"), BERLIN));
        assertTrue(responder.activeAt(Instant.parse("2027-01-04T06:59:59Z"), BERLIN));
        assertFalse(responder.activeAt(Instant.parse("2027-01-04T07:00:00Z"), BERLIN));
        // The same texts in UTC start an hour later.
        assertFalse(responder.activeAt(Instant.parse("2026-12-20T07:00:00Z"), ZoneOffset.UTC));
        assertTrue(responder.activeAt(Instant.parse("2026-12-20T08:00:00Z"), ZoneOffset.UTC));
    }

    @Test
    void offsetStartAndEndAreTheSameInstantInEveryZone() {
        Responder responder = window("2026-12-20T08:00:00+01:00", "2026-12-21T00:00:00Z");
        for (ZoneId zone : List.of(ZoneOffset.UTC, BERLIN, AUCKLAND)) {
            assertFalse(responder.activeAt(Instant.parse("2026-12-20T06:59:59Z"), zone));
            assertTrue(responder.activeAt(Instant.parse("2026-12-20T07:00:00Z"), zone));
            assertTrue(responder.activeAt(Instant.parse("2026-12-20T23:59:59Z"), zone));
            assertFalse(responder.activeAt(Instant.parse("2026-12-21T00:00:00Z"), zone));
        }
        assertEquals(Optional.of(Instant.parse("2026-12-20T07:00:00Z")), responder.startIn(AUCKLAND));
        assertEquals(Optional.of(Instant.parse("2026-12-21T00:00:00Z")), responder.endIn(AUCKLAND));
    }

    @Test
    void weekdayIsTheDayInTheAddressZone() {
        // Friday 12:00 in UTC is Saturday 01:00 in Auckland (UTC+13 in December).
        Instant fridayNoonUtc = Instant.parse("2026-12-18T12:00:00Z");
        Responder saturdays = responder(Optional.empty(), Optional.empty(), EnumSet.of(DayOfWeek.SATURDAY));
        assertTrue(saturdays.activeAt(fridayNoonUtc, AUCKLAND));
        assertFalse(saturdays.activeAt(fridayNoonUtc, ZoneOffset.UTC));
        // Saturday 23:30 in UTC is still Saturday in Los Angeles but Sunday in Auckland.
        Instant saturdayLate = Instant.parse("2026-12-19T23:30:00Z");
        assertTrue(saturdays.activeAt(saturdayLate, ZoneId.of("America/Los_Angeles")));
        assertFalse(saturdays.activeAt(saturdayLate, AUCKLAND));
    }

    @Test
    void weekdaysApplyWithinTheWindow() {
        Responder responder = responder(Optional.of("2026-12-14T00:00"), Optional.of("2026-12-21T00:00"),
                EnumSet.of(DayOfWeek.MONDAY, DayOfWeek.FRIDAY));
        assertTrue(responder.activeAt(Instant.parse("2026-12-14T09:00:00Z"), ZoneOffset.UTC)); // Monday
        assertFalse(responder.activeAt(Instant.parse("2026-12-15T09:00:00Z"), ZoneOffset.UTC)); // Tuesday
        assertTrue(responder.activeAt(Instant.parse("2026-12-18T09:00:00Z"), ZoneOffset.UTC)); // Friday
        assertFalse(responder.activeAt(Instant.parse("2026-12-21T09:00:00Z"), ZoneOffset.UTC)); // Monday, ended
    }

    @Test
    void whyInactiveNamesTheRuleAndTheInstantsCompared() {
        Responder responder = new Responder("r1", "Holidays", "Away.", Optional.empty(),
                Optional.of("2026-12-20T08:00"), Optional.of("2027-01-04T00:00:00Z"),
                EnumSet.of(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), Optional.empty(), List.of());
        assertEquals(Optional.of("responder 'Holidays' is not active: it starts at 2026-12-20T08:00 "
                        + "(2026-12-20T07:00:00Z in Europe/Berlin)"),
                responder.whyInactiveAt(Instant.parse("2026-12-01T00:00:00Z"), BERLIN));
        assertEquals(Optional.of("responder 'Holidays' is not active: it ended at 2027-01-04T00:00:00Z"),
                responder.whyInactiveAt(Instant.parse("2027-01-04T00:00:00Z"), BERLIN));
        assertEquals(Optional.of("responder 'Holidays' is not active: it answers on [MONDAY, FRIDAY] only and "
                        + "today is SATURDAY in Pacific/Auckland"),
                responder.whyInactiveAt(Instant.parse("2026-12-25T12:00:00Z"), AUCKLAND));
        assertEquals(Optional.empty(), responder.whyInactiveAt(Instant.parse("2026-12-21T12:00:00Z"), BERLIN));
    }

    @Test
    void startAndEndAcceptEveryIsoForm() {
        for (String text : List.of("2026-12-20T08:00", "2026-12-20T08:00:00", "2026-12-20T08:00:00.5",
                "2026-12-20T08:00:00Z", "2026-12-20T08:00Z", "2026-12-20T08:00:00+01:00", "2026-12-20T08:00-05:30")) {
            assertEquals(Optional.of(text), responder(Optional.of(text), Optional.empty(), Set.of()).start());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-13-01", "2026-12-20", "2026-13-01T08:00", "2026-02-30T08:00", "2026-12-20T25:00",
            "2026-12-20 08:00", "2026-12-20T08", "2026-12-20T08:00:00+01:00[Europe/Paris]", "tomorrow", ""})
    void malformedStartIsRefusedWithTheText(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> responder(Optional.of(text), Optional.empty(), Set.of()));
        assertEquals("start '" + text + "' is not an ISO-8601 date-time such as 2026-12-20T08:00 or "
                + "2026-12-20T08:00:00+01:00", e.getMessage());
    }

    @Test
    void malformedEndIsRefusedWithItsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> responder(Optional.empty(), Optional.of("2026-12-32T00:00"), Set.of()));
        assertEquals("end '2026-12-32T00:00' is not an ISO-8601 date-time such as 2026-12-20T08:00 or "
                + "2026-12-20T08:00:00+01:00", e.getMessage());
    }

    @Test
    void endMustComeAfterStart() {
        assertEquals("end '2026-12-20T08:00' is not after start '2026-12-20T08:00:00'",
                windowError("2026-12-20T08:00:00", "2026-12-20T08:00"));
        assertEquals("end '2026-12-19T23:00' is not after start '2026-12-20T08:00'",
                windowError("2026-12-20T08:00", "2026-12-19T23:00"));
        // 08:00+01:00 is 07:00Z, the same instant as the end.
        assertEquals("end '2026-12-20T07:00:00Z' is not after start '2026-12-20T08:00:00+01:00'",
                windowError("2026-12-20T08:00:00+01:00", "2026-12-20T07:00:00Z"));
    }

    @Test
    void localAndOffsetEdgesAreOrderedOnlyInAZone() {
        // 07:30 local is after 07:00Z in UTC but before it in Berlin: accepted, never active in Berlin.
        Responder responder = window("2026-12-20T07:00:00Z", "2026-12-20T07:30");
        assertTrue(responder.activeAt(Instant.parse("2026-12-20T07:15:00Z"), ZoneOffset.UTC));
        for (String at : List.of("2026-12-20T06:15:00Z", "2026-12-20T07:00:00Z", "2026-12-20T07:15:00Z")) {
            assertFalse(responder.activeAt(Instant.parse(at), BERLIN));
        }
    }

    @Test
    void requiredTextsAreChecked() {
        assertEquals("id is missing", error(() -> new Responder(" ", "n", "t", Optional.empty(), Optional.empty(),
                Optional.empty(), Set.of(), Optional.empty(), List.of())));
        assertEquals("name is missing", error(() -> new Responder("r", "", "t", Optional.empty(), Optional.empty(),
                Optional.empty(), Set.of(), Optional.empty(), List.of())));
        assertEquals("text is missing", error(() -> new Responder("r", "n", null, Optional.empty(), Optional.empty(),
                Optional.empty(), Set.of(), Optional.empty(), List.of())));
        assertEquals("id may not contain U+000A (control character)", error(() -> new Responder("r\n1", "n", "t",
                Optional.empty(), Optional.empty(), Optional.empty(), Set.of(), Optional.empty(), List.of())));
    }

    @Test
    void subjectMayNotBeBlankOrStartAHeaderLine() {
        assertEquals("subject is blank; leave it out to answer with 'Auto: ' and the original subject",
                error(() -> withSubject("  ")));
        assertEquals("subject may not contain U+000D (control character)",
                error(() -> withSubject("Away\r\nBcc: victim@example.org")));
        assertEquals(Optional.of("Out of office – back on Monday"),
                withSubject("Out of office – back on Monday").subject());
    }

    @Test
    void fromMustBeAnAsciiAddress() {
        assertEquals("from 'office' is not an address: address must have the form local-part@domain",
                error(() -> withFrom("office")));
        assertEquals("from 'bür@example.com' is not an address: character 'ü' (U+00FC, non-ASCII) not allowed "
                + "in local part", error(() -> withFrom("bür@example.com")));
        assertEquals(Optional.of("office@example.com"), withFrom("office@example.com").from());
    }

    @Test
    void exclusionsAreAddressesOrDomains() {
        Responder responder = excluding("Boss@Example.com", "@Partner.example", "\"a b\"@example.net");
        assertEquals(List.of("Boss@Example.com", "@Partner.example", "\"a b\"@example.net"), responder.exclude());
        assertEquals("exclude entry 'boss' is neither local@domain nor @domain: address must have the form "
                + "local-part@domain", error(() -> excluding("boss")));
        assertEquals("exclude entry '@' is neither local@domain nor @domain: empty domain name",
                error(() -> excluding("@")));
        assertEquals("exclude entry '@-bad.example' is neither local@domain nor @domain: domain label starts or "
                + "ends with a hyphen", error(() -> excluding("@-bad.example")));
        assertEquals("exclude entry 'a@b@' is neither local@domain nor @domain: address must have the form "
                + "local-part@domain", error(() -> excluding("a@b@")));
    }

    @Test
    void exclusionMatchesAddressesExactlyAndDomainsWithoutSubdomains() {
        Responder responder = excluding("Boss@Example.com", "@Partner.example");
        assertEquals(Optional.of("Boss@Example.com"), responder.exclusionOf("boss@EXAMPLE.COM"));
        assertEquals(Optional.empty(), responder.exclusionOf("boss2@example.com"));
        assertEquals(Optional.empty(), responder.exclusionOf("boss@example.com.evil.test"));
        assertEquals(Optional.of("@Partner.example"), responder.exclusionOf("Anyone@partner.EXAMPLE"));
        assertEquals(Optional.empty(), responder.exclusionOf("anyone@sales.partner.example"));
        assertEquals(Optional.empty(), responder.exclusionOf("anyone@otherpartner.example"));
    }

    @Test
    void collectionsAreCopied() {
        Set<DayOfWeek> days = new HashSet<>(Set.of(DayOfWeek.SUNDAY, DayOfWeek.MONDAY));
        Responder responder = responder(Optional.empty(), Optional.empty(), days);
        days.add(DayOfWeek.TUESDAY);
        assertEquals(EnumSet.of(DayOfWeek.MONDAY, DayOfWeek.SUNDAY), responder.weekdays());
        assertThrows(UnsupportedOperationException.class, () -> responder.weekdays().add(DayOfWeek.FRIDAY));
        assertThrows(UnsupportedOperationException.class, () -> responder.exclude().add("a@b.example"));
    }

    private static Responder window(String start, String end) {
        return responder(Optional.of(start), Optional.of(end), Set.of());
    }

    private static String windowError(String start, String end) {
        return error(() -> window(start, end));
    }

    private static Responder responder(Optional<String> start, Optional<String> end, Set<DayOfWeek> weekdays) {
        return new Responder("r1", "Holidays", "I am away.", Optional.empty(), start, end, weekdays, Optional.empty(),
                List.of());
    }

    private static Responder withSubject(String subject) {
        return new Responder("r1", "Holidays", "I am away.", Optional.of(subject), Optional.empty(), Optional.empty(),
                Set.of(), Optional.empty(), List.of());
    }

    private static Responder withFrom(String from) {
        return new Responder("r1", "Holidays", "I am away.", Optional.empty(), Optional.empty(), Optional.empty(),
                Set.of(), Optional.of(from), List.of());
    }

    private static Responder excluding(String... entries) {
        return new Responder("r1", "Holidays", "I am away.", Optional.empty(), Optional.empty(), Optional.empty(),
                Set.of(), Optional.empty(), List.of(entries));
    }

    private static String error(org.junit.jupiter.api.function.Executable construction) {
        return assertThrows(IllegalArgumentException.class, construction).getMessage();
    }
}
