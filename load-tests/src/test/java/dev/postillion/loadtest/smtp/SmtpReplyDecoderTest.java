package dev.postillion.loadtest.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the server's bytes become replies, however TCP cuts them. */
class SmtpReplyDecoderTest {

    private final EmbeddedChannel channel = new EmbeddedChannel(new SmtpReplyDecoder());

    private void receive(String bytes) {
        channel.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.UTF_8));
    }

    @Test
    void aMultilineReplyCutAcrossReadsIsOneReply() {
        receive("250-mx.test greets loadgen.test\r\n25");
        assertNull(channel.readInbound());
        receive("0-PIPELINING\r\n250 8BITMIME\r\n220");
        SmtpReply ehlo = channel.readInbound();
        assertEquals(new SmtpReply(250, "", List.of("mx.test greets loadgen.test", "PIPELINING", "8BITMIME")), ehlo);
        assertNull(channel.readInbound(), "the next reply is not complete yet");
    }

    @Test
    void theEnhancedStatusIsTakenFromEachLine() {
        receive("550-5.1.1 <nobody@example.test>: User unknown\r\n550 5.1.1 Try another address\r\n");
        SmtpReply reply = channel.readInbound();
        assertEquals("5.1.1", reply.enhancedStatus());
        assertEquals("<nobody@example.test>: User unknown\nTry another address", reply.text());
        assertEquals("550 5.1.1 <nobody@example.test>: User unknown Try another address", reply.toString());
    }

    @Test
    void aStatusOfAnotherClassIsPartOfTheText() {
        receive("250 5.0.0 odd but it is the text\r\n");
        SmtpReply reply = channel.readInbound();
        assertEquals("", reply.enhancedStatus());
        assertEquals("5.0.0 odd but it is the text", reply.text());
    }

    @Test
    void aBareCodeAndABareLfAreReplies() {
        receive("354\n");
        assertEquals(new SmtpReply(354, "", List.of("")), channel.readInbound());
    }

    @Test
    void queuedAsIsFoundInTheText() {
        receive("250 2.0.0 Ok: queued as 4Xyz9AbC\r\n");
        assertEquals("4Xyz9AbC", ((SmtpReply) channel.readInbound()).queuedAs().orElseThrow());
    }

    @Test
    void whatIsNotAReplyLineFailsTheConnection() {
        assertThrows(DecoderException.class, () -> receive("HTTP/1.1 400 Bad Request\r\n"));
    }

    @Test
    void aContinuationWithAnotherCodeFailsTheConnection() {
        assertThrows(DecoderException.class, () -> receive("250-first\r\n251 second\r\n"));
    }
}
