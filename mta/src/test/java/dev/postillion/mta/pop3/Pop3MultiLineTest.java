package dev.postillion.mta.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** RETR's and TOP's responses built from stored content (RFC 1939 sections 3 and 7). */
class Pop3MultiLineTest {

    private static final String MESSAGE = "Subject: dots\r\nFrom: a@b.test\r\n\r\n.one\r\n..two\r\nthree\r\n";

    @Test
    void retrSendsEveryLineWithLeadingDotsDoubled() {
        assertEquals("+OK 55 octets\r\nSubject: dots\r\nFrom: a@b.test\r\n\r\n..one\r\n...two\r\nthree\r\n.\r\n",
                message(MESSAGE, -1));
    }

    @Test
    void topSendsTheHeaderTheEmptyLineAndAsManyBodyLinesAsAsked() {
        assertEquals("+OK 55 octets\r\nSubject: dots\r\nFrom: a@b.test\r\n\r\n.\r\n", message(MESSAGE, 0));
        assertEquals("+OK 55 octets\r\nSubject: dots\r\nFrom: a@b.test\r\n\r\n..one\r\n.\r\n", message(MESSAGE, 1));
        assertEquals(message(MESSAGE, -1), message(MESSAGE, 99));
    }

    @Test
    void bareLineFeedsAndAMissingLastLineEndAreSentAsCrlf() {
        assertEquals("+OK 55 octets\r\nSubject: x\r\n\r\nbody\r\n..last\r\n.\r\n",
                message("Subject: x\n\nbody\n.last", -1));
        assertEquals("+OK 55 octets\r\nSubject: only a header\r\n.\r\n", message("Subject: only a header\r\n", 5));
    }

    private static String message(String content, long bodyLines) {
        return new String(MultiLine.message("55 octets", content.getBytes(StandardCharsets.US_ASCII), bodyLines),
                StandardCharsets.US_ASCII);
    }
}
