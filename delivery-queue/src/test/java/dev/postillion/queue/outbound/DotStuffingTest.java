package dev.postillion.queue.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DotStuffingTest {

    private static String stuffed(String content) {
        ByteBuf out = DotStuffing.stuffed(content.getBytes(StandardCharsets.UTF_8));
        try {
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
        }
    }

    @Test
    void leadingDotsAreDoubledAndTheFinalDotLineAdded() {
        assertEquals(".\r\n", stuffed(""));
        assertEquals("a\r\n.\r\n", stuffed("a\r\n"));
        assertEquals("..a\r\nb.c\r\n...\r\n..\r\n.\r\n", stuffed(".a\r\nb.c\r\n..\r\n.\r\n"));
    }

    @Test
    void contentWithoutFinalLineBreakGetsOneBeforeTheDot() {
        assertEquals("a\r\n..\r\n.\r\n", stuffed("a\r\n."));
    }
}
