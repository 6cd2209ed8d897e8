package dev.postillion.queue.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** RFC 5321 section 4.5.3.1.6's 998 octets, kept as Postfix's smtp_line_length_limit keeps them. */
class LineLengthLimitTest {

    @Test
    void aMessageWithinTheLimitIsTheSameArray() {
        byte[] message = bytes("Subject: " + "s".repeat(989) + "\r\n\r\n" + "b".repeat(998) + "\r\nend");
        assertSame(message, LineLengthLimit.apply(message));
    }

    @Test
    void aLongBodyLineIsBrokenIntoPiecesOfAtMost998OctetsEachAfterTheFirstStartingWithASpace() {
        String line = "x".repeat(998) + "y".repeat(997) + "z".repeat(10);
        assertEquals("Subject: s\r\n\r\nfirst\r\n" + "x".repeat(998) + "\r\n " + "y".repeat(997) + "\r\n "
                        + "z".repeat(10) + "\r\nlast\r\n",
                text(LineLengthLimit.apply(bytes("Subject: s\r\n\r\nfirst\r\n" + line + "\r\nlast\r\n"))));
    }

    @Test
    void aLongHeaderLineIsFoldedSoItStaysOneField() {
        String subject = "Subject: " + "w".repeat(1200);
        assertEquals(subject.substring(0, 998) + "\r\n " + subject.substring(998) + "\r\nTo: a@b.test\r\n\r\nbody\r\n",
                text(LineLengthLimit.apply(bytes(subject + "\r\nTo: a@b.test\r\n\r\nbody\r\n"))));
    }

    @Test
    void aLastLineWithoutCrlfIsBrokenToo() {
        assertEquals("\r\n" + "a".repeat(998) + "\r\n a", text(LineLengthLimit.apply(bytes("\r\n" + "a".repeat(999)))));
    }

    @Test
    void aBreakNeverCutsAUtf8Character() {
        String line = "a".repeat(997) + "\u00e9" + "b"; // é's two octets are the 998th and 999th
        assertEquals("a".repeat(997) + "\r\n \u00e9b\r\n",
                new String(LineLengthLimit.apply(line.concat("\r\n").getBytes(StandardCharsets.UTF_8)),
                        StandardCharsets.UTF_8));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(byte[] message) {
        return new String(message, StandardCharsets.ISO_8859_1);
    }
}
