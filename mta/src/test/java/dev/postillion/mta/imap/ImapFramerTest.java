package dev.postillion.mta.imap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Commands cut from input however it arrives: generated commands with literals, fed in random pieces. */
class ImapFramerTest {

    @Test
    void generatedCommandsWithLiteralsComeOutWholeHoweverTheInputIsCut() {
        Random random = new Random(9051);
        for (int round = 0; round < 2000; round++) {
            List<byte[]> commands = new ArrayList<>();
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            int continuations = 0;
            for (int i = 0; i < 1 + random.nextInt(4); i++) {
                ByteArrayOutputStream command = new ByteArrayOutputStream();
                command.writeBytes(("t" + i + " APPEND INBOX").getBytes(StandardCharsets.US_ASCII));
                for (int literal = 0; literal < random.nextInt(3); literal++) {
                    byte[] data = new byte[random.nextInt(200)];
                    random.nextBytes(data); // any octets, CR and LF and "{5}" included
                    boolean plus = random.nextBoolean();
                    command.writeBytes((" {" + data.length + (plus ? "+" : "") + "}\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    command.writeBytes(data);
                    continuations += !plus && data.length > 0 ? 1 : 0;
                }
                byte[] whole = command.toByteArray();
                commands.add(whole);
                wire.writeBytes(whole);
                wire.writeBytes(new byte[] {'\r', '\n'});
            }
            assertFramed(commands, continuations, wire.toByteArray(), random);
        }
    }

    private static void assertFramed(List<byte[]> commands, int continuations, byte[] wire, Random random) {
        ImapFramer framer = new ImapFramer(1024, 1 << 20);
        ByteBuf in = Unpooled.buffer();
        List<byte[]> framed = new ArrayList<>();
        int wanted = 0;
        int at = 0;
        while (at < wire.length) {
            int piece = Math.min(wire.length - at, 1 + random.nextInt(64));
            in.writeBytes(wire, at, piece);
            at += piece;
            while (true) {
                ImapFramer.Result result = framer.next(in);
                if (result instanceof ImapFramer.Command command) {
                    framed.add(command.bytes());
                } else if (result instanceof ImapFramer.LiteralAnnounced literal) {
                    wanted += literal.synchronizing() ? 1 : 0;
                } else {
                    assertInstanceOf(ImapFramer.NeedMore.class, result);
                    break;
                }
            }
        }
        assertEquals(commands.size(), framed.size());
        for (int i = 0; i < commands.size(); i++) {
            assertArrayEquals(commands.get(i), framed.get(i));
        }
        assertEquals(continuations, wanted, "one continuation request per non-empty synchronizing literal");
    }

    @Test
    void aLiteralOverTheLimitIsRefusedWithTheCommandsTag() {
        ImapFramer framer = new ImapFramer(1024, 100);
        ByteBuf in = Unpooled.copiedBuffer("x7 APPEND INBOX {101}\r\n", StandardCharsets.US_ASCII);
        assertEquals(new ImapFramer.Refused("x7", "NO [TOOBIG] a literal may hold at most 100 octets", false),
                framer.next(in));
        in.writeBytes("x8 APPEND INBOX {4097+}\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(new ImapFramer.Refused("x8", "NO [TOOBIG] a literal may hold at most 100 octets", true),
                framer.next(in), "a non-synchronizing literal comes anyway: the connection cannot go on");
        framer = new ImapFramer(1024, 100);
        assertEquals(new ImapFramer.LiteralAnnounced(4096, false),
                framer.next(Unpooled.copiedBuffer("x9 APPEND INBOX {4096+}\r\n", StandardCharsets.US_ASCII)),
                "LITERAL- (RFC 7888 section 4): up to 4096 octets are taken over the limit");
    }

    @Test
    void aLineOverTheLimitIsRefusedWhetherOrNotItsEndCame() {
        ImapFramer framer = new ImapFramer(32, 100);
        assertEquals(new ImapFramer.Refused("a1", "BAD the command line is too long", true),
                framer.next(Unpooled.copiedBuffer("a1 NOOP " + "x".repeat(40), StandardCharsets.US_ASCII)));
        framer = new ImapFramer(32, 100);
        assertEquals(new ImapFramer.Refused("a2", "BAD the command line is too long", true),
                framer.next(Unpooled.copiedBuffer("a2 NOOP " + "x".repeat(40) + "\r\n", StandardCharsets.US_ASCII)));
    }
}
