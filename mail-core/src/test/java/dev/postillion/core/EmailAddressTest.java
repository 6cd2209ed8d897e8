package dev.postillion.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EmailAddressTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "anna@example.com|anna|example.com",
            "anna.alpha+tag@mail.example.com|anna.alpha+tag|mail.example.com",
            "a_{x}~!#$%&*=?^`/-@example.com|a_{x}~!#$%&*=?^`/-|example.com",
            "\"john doe\"@example.com|\"john doe\"|example.com",
            "\"a@b\"@example.com|\"a@b\"|example.com",
            "\"quote\\\"inside\"@example.com|\"quote\\\"inside\"|example.com",
            "postmaster@[192.0.2.1]|postmaster|[192.0.2.1]",
            "x@a-b.c0m|x|a-b.c0m"})
    void validPathsSplitIntoLocalPartAndDomain(String text, String localPart, String domain) {
        EmailAddress address = EmailAddress.parse(text, false);
        assertEquals(localPart, address.localPart());
        assertEquals(domain, address.domain());
        assertEquals(text, address.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"anna", "@example.com", "anna@", ".anna@example.com", "anna.@example.com",
            "an..na@example.com", "anna@example..com", "anna@.example.com", "anna@-example.com",
            "anna@example-.com", "anna@[]", "anna@[192.0.2.1", "\"anna@example.com", "\"an\"na\"@example.com",
            "\"anna\\\"@example.com"})
    void malformedPathsAreRefused(String text) {
        assertThrows(AddressSyntaxException.class, () -> EmailAddress.parse(text, true));
    }

    @Test
    void refusalNamesTheOffendingCharacter() {
        assertMessageContains("a b@example.com", "' ' (space)");
        assertMessageContains("a(b@example.com", "'('");
        assertMessageContains("a\u0001b@example.com", "U+0001 (control character)");
        assertMessageContains("anna@exa_mple.com", "'_'");
        assertMessageContains("\"a\u0007b\"@example.com", "U+0007");
    }

    @Test
    void utf8IsAllowedOnlyWhenTheSessionNegotiatedIt() {
        assertMessageContains("jörg@example.com", "'ö' (U+00F6, non-ASCII)");
        assertMessageContains("jorg@bücher.example", "'ü' (U+00FC, non-ASCII)");
        assertMessageContains("\"jörg\"@example.com", "'ö'");
        assertEquals("jörg", EmailAddress.parse("jörg@bücher.example", true).localPart());
        assertEquals("jörg", EmailAddress.parse("\"jörg\"@example.com", true).localPart());
    }

    @Test
    void quotesAroundAPlainLocalPartAreDropped() {
        assertEquals("anna@example.com", EmailAddress.parse("\"anna\"@example.com", false).key());
        assertEquals("anna.alpha", EmailAddress.parse("\"anna\\.alpha\"@example.com", false).localPart());
        assertEquals("\"john doe\"", EmailAddress.parse("\"john doe\"@example.com", false).localPart());
    }

    @Test
    void localPartsPast64CharactersAreAcceptedUpToThePathLimit() {
        String srs = "SRS0=vmyz=2W=" + "d".repeat(40) + ".example=" + "l".repeat(40);
        assertEquals(srs, EmailAddress.parse(srs + "@example.com", false).localPart());
        String longest = "a".repeat(254 - "@example.com".length());
        assertEquals(longest, EmailAddress.parse(longest + "@example.com", false).localPart());
        assertMessageContains("a" + longest + "@example.com", "longer than 254");
    }

    @Test
    void domainLabelsAreAtMost63Characters() {
        assertEquals("b".repeat(63) + ".com", EmailAddress.parse("a@" + "b".repeat(63) + ".com", false).domain());
        assertMessageContains("a@" + "b".repeat(64) + ".com", "longer than 63");
    }

    @Test
    void keyIsLowerCasedWhileToStringKeepsTheSpelling() {
        EmailAddress address = EmailAddress.parse("Anna.Alpha@Example.COM", false);
        assertEquals("anna.alpha@example.com", address.key());
        assertEquals("example.com", address.domainKey());
        assertEquals("Anna.Alpha@Example.COM", address.toString());
    }

    @Test
    void addressesSpelledDifferentlyShareOneKey() {
        assertEquals(EmailAddress.parse("ANNA@EXAMPLE.COM", false).key(),
                EmailAddress.parse("anna@example.com", false).key());
    }

    @Test
    void isAsciiTellsWhetherSmtputf8IsNeeded() {
        assertTrue(EmailAddress.parse("anna@example.com", false).isAscii());
        assertFalse(EmailAddress.parse("anna@bücher.example", true).isAscii());
    }

    private static void assertMessageContains(String text, String expected) {
        AddressSyntaxException error = assertThrows(AddressSyntaxException.class,
                () -> EmailAddress.parse(text, false));
        assertTrue(error.getMessage().contains(expected),
                () -> "message '" + error.getMessage() + "' should name " + expected);
    }
}
