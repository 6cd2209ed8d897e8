package dev.postillion.mailbox;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"anna.alpha", "anna", "A", "x-y_z.0", "Anna.Alpha-2"})
    void lettersDigitsDashUnderscoreAndSingleDotsAreAllowed(String localPart) {
        assertDoesNotThrow(() -> AddressRules.checkLocalPart(localPart));
    }

    @Test
    void localPartOf64CharactersIsAllowed() {
        assertDoesNotThrow(() -> AddressRules.checkLocalPart("a".repeat(64)));
    }

    @Test
    void localPartOf65CharactersIsRefused() {
        assertRefused("a".repeat(65), "longer than 64 characters");
    }

    @Test
    void emptyLocalPartIsRefused() {
        assertRefused("", "empty");
        assertRefused(null, "empty");
    }

    @Test
    void doubledDotIsRefused() {
        assertRefused("anna..alpha", "two dots in a row");
    }

    @Test
    void leadingDotIsRefused() {
        assertRefused(".anna", "start with a dot");
    }

    @Test
    void trailingDotIsRefused() {
        assertRefused("anna.", "end with a dot");
    }

    @ParameterizedTest
    @ValueSource(chars = {'!', '#', '$', '%', '^', '&', '*', '(', ')', '=', '[', ']', '<', '>', ',', '"', '/', ';',
            '?', '@', '+', '\'', '\\', '{', '~'})
    void punctuationIsRefusedNamingTheCharacter(char c) {
        assertRefused("anna" + c + "alpha", "'" + c + "'");
    }

    @Test
    void spaceIsRefusedNamingIt() {
        assertRefused("anna alpha", "' ' (space)");
    }

    @Test
    void nonAsciiIsRefusedNamingTheCharacter() {
        assertRefused("andré", "'é' (U+00E9, non-ASCII)");
    }

    @Test
    void controlCharacterIsRefusedNamingIt() {
        assertRefused("anna\u0007", "U+0007 (control character)");
        assertRefused("anna\tb", "U+0009 (control character)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "mail.example.co.uk", "x-1.example", "bücher.example", "xn--bcher-kva.example"})
    void fullyQualifiedDomainNamesAreAllowed(String domain) {
        assertDoesNotThrow(() -> AddressRules.checkDomainName(domain));
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "[192.0.2.1]", "exa mple.com", "example..com", "-example.com",
            "xn--zz.example"})
    void otherDomainNamesAreRefused(String domain) {
        DirectoryException error = assertThrows(DirectoryException.class, () -> AddressRules.checkDomainName(domain));
        assertEquals(DirectoryException.Kind.INVALID, error.kind());
        assertTrue(error.getMessage().contains(domain), error.getMessage());
    }

    @Test
    void shortPasswordIsRefused() {
        assertDoesNotThrow(() -> AddressRules.checkPassword("Tr4vel-light", 8, "anna"));
        assertWeak("Tr4vel", "at least 8 characters");
    }

    @ParameterizedTest
    @CsvSource({
        "aaaaaaaaaaaa, at least 5 different characters",
        "abababcdcdcd, at least 5 different characters",
        "travellinglight, mix letters with digits",
        "12345678901, mix letters with digits",
        "Anna-2026!x, contains the local part anna",
    })
    void weakPasswordsAreRefusedWithTheReason(String password, String reason) {
        assertWeak(password, reason);
    }

    private static void assertWeak(String password, String reason) {
        DirectoryException error = assertThrows(DirectoryException.class,
                () -> AddressRules.checkPassword(password, 8, "anna"));
        assertEquals(DirectoryException.Kind.INVALID, error.kind());
        assertTrue(error.getMessage().contains(reason), error.getMessage());
    }

    private static void assertRefused(String localPart, String expected) {
        DirectoryException error = assertThrows(DirectoryException.class, () -> AddressRules.checkLocalPart(localPart));
        assertEquals(DirectoryException.Kind.INVALID, error.kind());
        assertTrue(error.getMessage().contains(expected), () -> "'" + error.getMessage() + "' should name " + expected);
    }
}
