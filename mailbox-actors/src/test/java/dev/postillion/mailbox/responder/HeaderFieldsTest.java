package dev.postillion.mailbox.responder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderFieldsTest {

    @Test
    void shortFieldStaysOnOneLine() {
        assertEquals("Subject: Out of office\r\n", HeaderFields.unstructured("Subject", "Out of office"));
    }

    @Test
    void foldingBreaksBeforeTheWordThatWouldPassSeventyEight() {
        String seventyEight = "Subject: " + "a".repeat(69);
        assertEquals(seventyEight + "\r\n", HeaderFields.folded("Subject", List.of("a".repeat(69))));
        assertEquals("Subject: " + "a".repeat(68) + "\r\n b\r\n",
                HeaderFields.folded("Subject", List.of("a".repeat(68), "b")));
        assertEquals("Subject: " + "a".repeat(66) + " b\r\n",
                HeaderFields.folded("Subject", List.of("a".repeat(66), "b")));
    }

    @Test
    void wordLongerThanALineIsNotBrokenBeforeTheFirstWord() {
        assertEquals("Subject: " + "a".repeat(100) + "\r\n", HeaderFields.folded("Subject", List.of("a".repeat(100))));
    }

    @Test
    void controlsAndRunsOfWhiteSpaceBecomeOneSpace() {
        assertEquals("Subject: a b c\r\n", HeaderFields.unstructured("Subject", "  a\t\t b\u0000c \r\n"));
        assertEquals("Subject:\r\n", HeaderFields.unstructured("Subject", " \t "));
    }

    @Test
    void nonAsciiBecomesQEncodedWords() {
        assertEquals("Subject: =?UTF-8?Q?Caf=C3=A9_=3D_50%_off=3F_a=5Fb?=\r\n",
                HeaderFields.unstructured("Subject", "Café = 50% off? a_b"));
    }

    @Test
    void charactersOutsideTheBasicPlaneStayWhole() {
        String text = "x".repeat(52) + "😀";
        // 52 + 12 octet escapes would pass 55 characters of encoded text: the emoji moves whole to the next word.
        assertEquals("Subject: =?UTF-8?Q?" + "x".repeat(52) + "?=\r\n =?UTF-8?Q?=F0=9F=98=80?=\r\n",
                HeaderFields.unstructured("Subject", text));
    }

    @Test
    void overlongAsciiWordIsEncodedToBeSplit() {
        String word = "w".repeat(901);
        String field = HeaderFields.unstructured("Subject", word);
        String[] lines = field.split("\r\n");
        assertEquals("Subject: =?UTF-8?Q?" + "w".repeat(55) + "?=", lines[0]);
        assertEquals(" =?UTF-8?Q?" + "w".repeat(63) + "?=", lines[1]);
        assertEquals(1 + (901 - 55 + 62) / 63, lines.length);
        for (String line : lines) {
            assertEquals(true, line.length() <= 76, line);
        }
    }
}
