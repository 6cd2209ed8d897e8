package dev.postillion.loadtest.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What the decoder makes of a server's bytes, however they are cut into reads. */
class ImapResponseDecoderTest {

    private final EmbeddedChannel channel = new EmbeddedChannel(new ImapResponseDecoder());

    @Test
    void aSearchOfAHundredThousandMessagesIsCountedAcrossReads() {
        feed("* OK [CAPABILITY IMAP4rev1] ready\r\n", 7);
        assertEquals("OK", reply().status());
        String hits = IntStream.rangeClosed(1, 100_000).mapToObj(Integer::toString).collect(Collectors.joining(" "));

        feed("* SEARCH " + hits + "\r\na2 OK Search completed\r\n", 4096);

        ImapReply search = reply();
        assertEquals(100_000, search.found());
        assertEquals("a2 OK Search completed", search.toString());
    }

    @Test
    void literalsAreCountedAndTheResponseGoesOnAfterThem() {
        feed("* OK ready\r\n", 100);
        reply();
        String header = "Subject: {5}\r\n\r\n";      // a literal's announcement inside a literal is only text
        String body = "x".repeat(3 * 1024 * 1024);

        feed("* 1 FETCH (BODY[HEADER] {" + header.length() + "}\r\n" + header + " FLAGS (\\Seen))\r\n"
                + "* 2 FETCH (BODY[] {" + body.length() + "}\r\n" + body + ")\r\n"
                + "* 3 EXISTS\r\na3 OK Fetch completed\r\n", 65_536);

        ImapReply fetch = reply();
        assertEquals(2, fetch.fetched());
        assertEquals(header.length() + body.length(), fetch.literalBytes());
        assertEquals(3, fetch.exists());
        assertNull(channel.readInbound(), "one reply for the whole exchange");
    }

    @Test
    void duringIdleEachPushIsAReplyOfItsOwn() {
        feed("* OK ready\r\n+ idling\r\n* 4 EXISTS\r\n* 1 RECENT\r\na4 OK Idle completed\r\n* 5 FETCH (FLAGS ())\r\na5 OK done\r\n", 3);

        assertEquals(ImapReply.Kind.UNTAGGED, reply().kind());
        assertEquals(ImapReply.Kind.CONTINUATION, reply().kind());
        assertEquals(4, reply().exists());
        assertEquals(-1, reply().exists(), "RECENT, pushed on its own");
        assertEquals("a4 OK Idle completed", reply().toString());
        assertEquals(1, reply().fetched(), "after IDLE, untagged responses count into the completion again");
    }

    private void feed(String text, int chunk) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int start = 0; start < bytes.length; start += chunk) {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, start, Math.min(chunk, bytes.length - start)));
        }
    }

    private ImapReply reply() {
        return channel.readInbound();
    }
}
