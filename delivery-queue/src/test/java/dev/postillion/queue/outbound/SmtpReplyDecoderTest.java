package dev.postillion.queue.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmtpReplyDecoderTest {

    private final EmbeddedChannel channel = new EmbeddedChannel(new SmtpReplyDecoder());

    private void receive(String bytes) {
        channel.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.UTF_8));
    }

    @Test
    void multiLineReplyIsOneReply() {
        receive("250-mx.example.com\r\n250-PIPELINING\r\n250 SIZE 1000\r\n");
        SmtpReply reply = channel.readInbound();
        assertEquals(250, reply.code());
        assertEquals(List.of("250-mx.example.com", "250-PIPELINING", "250 SIZE 1000"), reply.lines());
        assertEquals("250-mx.example.com 250-PIPELINING 250 SIZE 1000", reply.text());
        assertNull(channel.readInbound());
    }

    @Test
    void replyMaySpanReadsAndSeveralMayComeInOne() {
        receive("250 2.1.0 O");
        assertNull(channel.readInbound());
        receive("k\r\n550 5.1.1 <bob@x>: unknown\r\n354 go ahead\r\n");
        assertEquals("250 2.1.0 Ok", ((SmtpReply) channel.readInbound()).text());
        assertEquals(550, ((SmtpReply) channel.readInbound()).code());
        assertEquals(354, ((SmtpReply) channel.readInbound()).code());
    }

    @Test
    void bareCodeAndBareLineFeedEndAReply() {
        receive("250\n");
        SmtpReply reply = channel.readInbound();
        assertEquals(250, reply.code());
        assertEquals("2.0.0", reply.dsn());
    }

    @Test
    void lineWithoutCodeIsRefused() {
        assertThrows(DecoderException.class, () -> receive("hello there\r\n"));
    }

    @Test
    void endlessReplyIsRefused() {
        assertThrows(DecoderException.class, () -> receive("250-x\r\n".repeat(300)));
    }
}
