package dev.postillion.queue.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTextTest {

    @Test
    void controlCharactersBecomeSpaces() {
        assertEquals("550 nope  X-Injected: yes  ", ReportText.clean("550 nope\r\nX-Injected: yes\t\u0000"));
    }

    @Test
    void wrapsAtSpacesWithinTheLineLength() {
        String text = "word ".repeat(40).trim();
        String wrapped = ReportText.wrap(text, "  ");
        for (String line : wrapped.split("\r\n")) {
            assertTrue(line.length() <= ReportText.WIDTH, line);
        }
        assertEquals(text, wrapped.replace("\r\n  ", " "));
    }

    @Test
    void cutsAWordTooLongForAnyLine() {
        String wrapped = ReportText.wrap("Diagnostic-Code: smtp; " + "x".repeat(2000), " ");

        String piece = " " + "x".repeat(900);
        assertEquals(List.of("Diagnostic-Code: smtp;", piece, piece, " " + "x".repeat(200)),
                List.of(wrapped.split("\r\n")));
    }
}
