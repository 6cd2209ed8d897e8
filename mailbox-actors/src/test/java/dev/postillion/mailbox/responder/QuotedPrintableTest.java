package dev.postillion.mailbox.responder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class QuotedPrintableTest {

    @Test
    void printableAsciiStandsForItself() {
        String text = "Back on Monday, 4 January! (Really.) ~{|}";
        assertEquals(text, QuotedPrintable.encodeLine(text));
    }

    @Test
    void equalsSignAndNonAsciiAreEscapedInUpperCaseHex() {
        assertEquals("a=3Db =E2=82=AC5 Gr=C3=BC=C3=9Fe", QuotedPrintable.encodeLine("a=b €5 Grüße"));
    }

    @Test
    void whiteSpaceIsEscapedOnlyAtTheEndOfALine() {
        assertEquals("a b\tc=20", QuotedPrintable.encodeLine("a b\tc "));
        assertEquals("tab=09", QuotedPrintable.encodeLine("tab\t"));
        assertEquals("  =20", QuotedPrintable.encodeLine("   "));
    }

    @Test
    void controlCharactersAreEscaped() {
        assertEquals("bell=07 nul=00", QuotedPrintable.encodeLine("bell\u0007 nul\u0000"));
    }

    @Test
    void linesOfSeventyFiveCharactersNeedNoSoftBreak() {
        assertEquals("a".repeat(75), QuotedPrintable.encodeLine("a".repeat(75)));
        assertEquals("a".repeat(75) + "=\r\na", QuotedPrintable.encodeLine("a".repeat(76)));
    }

    @Test
    void softBreaksKeepEveryLineWithinSeventySixCharacters() {
        String encoded = QuotedPrintable.encodeLine("b".repeat(200));
        assertEquals("b".repeat(75) + "=\r\n" + "b".repeat(75) + "=\r\n" + "b".repeat(50), encoded);
    }

    @Test
    void anEscapeIsNeverSplitBySoftBreak() {
        assertEquals("a".repeat(74) + "=\r\n=C3=BC", QuotedPrintable.encodeLine("a".repeat(74) + "ü"));
    }

    @Test
    void spaceBeforeASoftBreakStaysLiteral() {
        assertEquals("a".repeat(74) + " =\r\nbbb", QuotedPrintable.encodeLine("a".repeat(74) + " bbb"));
    }

    @Test
    void spaceLastAfterASoftBreakIsStillEscaped() {
        assertEquals("a".repeat(75) + "=\r\n=20", QuotedPrintable.encodeLine("a".repeat(75) + " "));
    }

    @Test
    void bodyEndsEveryLineWithCrlf() {
        assertEquals("Gr=C3=BC=C3=9Fe\r\n\r\nAnna\r\n", QuotedPrintable.encode(List.of("Grüße", "", "Anna")));
    }
}
