package dev.postillion.loadtest.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The DATA form of a message, for thousands of generated messages: what a server makes of it by
 * RFC 5321 §4.5.2 (split at CRLF, the final "." line dropped, one leading period removed) is the
 * message's lines, whichever of CRLF, LF or CR ended them, in UTF-8.
 */
class DataContentTest {

    private static final String[] BREAKS = {"\r\n", "\n", "\r"};
    private static final String[] PIECES = {"a", "Subject: x", ".", "..", " ", "é", "日本", "\uD83D\uDCE7", "\t", "."};

    @Test
    void aServerReadsBackTheLinesOfEveryGeneratedMessage() {
        Random random = new Random(20261207);
        for (int run = 0; run < 5_000; run++) {
            List<String> lines = new ArrayList<>();
            StringBuilder message = new StringBuilder();
            int count = random.nextInt(6);
            for (int i = 0; i < count; i++) {
                StringBuilder line = new StringBuilder();
                for (int pieces = random.nextInt(4); pieces > 0; pieces--) {
                    line.append(PIECES[random.nextInt(PIECES.length)]);
                }
                message.append(line);
                // the last line may end without a break: DATA adds one, unless the line is empty,
                // for then there is no line at all
                boolean broken = i < count - 1 || random.nextBoolean();
                if (broken) {
                    String lineBreak = BREAKS[random.nextInt(BREAKS.length)];
                    // a bare CR, then an empty line ended by a bare LF, is one CRLF
                    boolean joins = lineBreak.equals("\n") && line.isEmpty() && message.toString().endsWith("\r");
                    message.append(joins ? "\r\n" : lineBreak);
                }
                if (broken || !line.isEmpty()) {
                    lines.add(line.toString());
                }
            }
            assertEquals(lines, serverReads(data(message.toString())), "message " + Arrays.toString(
                    message.toString().getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void anEmptyMessageALonePeriodAndACrBeforeAnLfAreTheirOwnLines() {
        assertEquals(".\r\n", data(""));
        assertEquals("..\r\n.\r\n", data("."));
        assertEquals("a\r\n\r\nb\r\n.\r\n", data("a\n\rb"));
    }

    private static String data(String message) {
        ByteBuf data = DataContent.of(message, UnpooledByteBufAllocator.DEFAULT);
        try {
            return data.toString(StandardCharsets.UTF_8);
        } finally {
            data.release();
        }
    }

    /** RFC 5321 §4.5.2 from the receiving side. */
    private static List<String> serverReads(String data) {
        assertTrue(data.endsWith(".\r\n"), "ends with the end line");
        String body = data.substring(0, data.length() - 3);
        assertTrue(body.isEmpty() || body.endsWith("\r\n"), "the end line follows a line break");
        List<String> lines = new ArrayList<>();
        for (String line : body.isEmpty() ? new String[0] : body.substring(0, body.length() - 2).split("\r\n", -1)) {
            assertTrue(!line.contains("\r") && !line.contains("\n"), "no bare CR or LF in " + line);
            lines.add(line.startsWith(".") ? line.substring(1) : line);
        }
        return lines;
    }
}
