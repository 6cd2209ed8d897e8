package dev.postillion.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class XtextTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "QQ314159|QQ314159",
            "anna+2Btag@example.com|anna+tag@example.com",
            "a+3Db|a=b",
            "two+20words|two words",
            "+41+42C|ABC",
            "j+C3+B6rg|jörg"})
    void decodesXcharsAsThemselvesAndHexcharsAsOctets(String xtext, String decoded) {
        assertTrue(Xtext.isValid(xtext));
        assertEquals(decoded, Xtext.decode(xtext));
    }

    @Test
    void everyXcharStandsForItself() {
        String xchars = "!\"#$%&'()*,-./0123456789:;<>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";
        assertEquals(xchars, Xtext.decode(xchars));
        assertEquals(xchars, Xtext.encode(xchars));
    }

    @Test
    void theEmptyStringIsXtext() {
        assertTrue(Xtext.isValid(""));
        assertEquals("", Xtext.decode(""));
        assertEquals("", Xtext.encode(""));
    }

    /** RFC 3461 section 4: "+" and "=" and everything outside "!" to "~" become hexchars. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "anna@example.com|anna@example.com",
            "anna+tag@example.com|anna+2Btag@example.com",
            "a=b|a+3Db",
            "two words|two+20words",
            "jörg|j+C3+B6rg",
            "\u007F|+7F"})
    void encodesUtf8OctetsThatAreNotXcharsAsUpperCaseHexchars(String text, String xtext) {
        assertEquals(xtext, Xtext.encode(text));
        assertEquals(text, Xtext.decode(xtext));
    }

    /** So a decoded value may hold CR and LF: whoever writes one into a header field checks it first. */
    @Test
    void controlCharactersTravelAsHexchars() {
        assertEquals("tab+09and+0D+0A", Xtext.encode("tab\tand\r\n"));
        assertEquals("tab\tand\r\n", Xtext.decode("tab+09and+0D+0A"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"+2b", "+a0", "+", "+4", "a+", "+G0", "+ 20", "a=b", "two words", "tab\there",
            "\u0000", "\u007F", "jörg", "+٣٣", "+ＡＡ"})
    void refusesWhatIsNotXtext(String text) {
        assertFalse(Xtext.isValid(text));
        assertThrows(IllegalArgumentException.class, () -> Xtext.decode(text));
    }

    @Test
    void aRefusalSaysWhatIsWrongAndWhere() {
        assertRefused("abc+2b", "'+2b' at position 4 must be written with upper-case hexadecimal digits");
        assertRefused("ab+4", "'+' at position 3 is not followed by two hexadecimal digits");
        assertRefused("+G0", "'+' at position 1 is not followed by two hexadecimal digits");
        assertRefused("+٣٣", "'+' at position 1 is not followed by two hexadecimal digits");
        assertRefused("a=b", "character '=' at position 2 is not allowed in xtext");
        assertRefused("a b", "character ' ' (space) at position 2 is not allowed in xtext");
        assertRefused("a\u0001", "character U+0001 (control character) at position 2 is not allowed in xtext");
        assertRefused("jörg", "character 'ö' (U+00F6, non-ASCII) at position 2 is not allowed in xtext");
    }

    /** The grammar allows any octet; a String can only be made of octets that are UTF-8. */
    @Test
    void octetsThatAreNotUtf8AreXtextButDoNotDecode() {
        assertTrue(Xtext.isValid("+FF"));
        assertRefused("+FF", "the octets of the hexchars are not UTF-8");
        assertRefused("+C3", "the octets of the hexchars are not UTF-8");
    }

    private static void assertRefused(String text, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> Xtext.decode(text)).getMessage());
    }
}
