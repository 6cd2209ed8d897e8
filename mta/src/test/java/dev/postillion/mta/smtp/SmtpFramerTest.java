package dev.postillion.mta.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.mta.smtp.SmtpFramer.BareLineFeed;
import dev.postillion.mta.smtp.SmtpFramer.CommandLine;
import dev.postillion.mta.smtp.SmtpFramer.Content;
import dev.postillion.mta.smtp.SmtpFramer.Frame;
import dev.postillion.mta.smtp.SmtpFramer.LineTooLong;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SmtpFramerTest {

    private static final int MAX_LINE = 64;
    private static final long MAX_SIZE = 1024;
    private static final String END = "\r\n.\r\n";

    private final SmtpFramer framer = new SmtpFramer(MAX_LINE, MAX_SIZE);
    /** What the connection keeps between reads: bytes the framer has not consumed yet. */
    private final ByteBuf pending = Unpooled.buffer();

    /** The smuggling variants: each would end the message for a lenient server further on. */
    static Stream<String> smugglingEndings() {
        return Stream.of("\n.\n", "\r.\r", "\n.\r\n", "\r.\n", "\r\n.\n", "\n.\r", "\r\n.\r",
                "\r\n\0.\r\n", "\r\n.\0\r\n");
    }

    @Test
    void commandLinesAreSplitOnCrlfWithTheCrlfStripped() {
        assertEquals(List.of(new CommandLine("EHLO a.test"), new CommandLine("NOOP")),
                feed("EHLO a.test\r\nNOOP\r\n"));
    }

    @Test
    void aLineEndingInABareLfIsReportedAndNotTakenForACommand() {
        assertEquals(List.of(new BareLineFeed(), new CommandLine("X: 1"), new BareLineFeed(), new CommandLine("NOOP")),
                feed("EHLO a\nX: 1\r\n\nNOOP\r\n"));
    }

    @Test
    void anIncompleteLineWaitsForItsLineEnding() {
        assertEquals(List.of(), feed("NO"));
        assertEquals(List.of(new CommandLine("NOOP")), feed("OP\r\n"));
    }

    @Test
    void pipelinedLinesComeOutInOrder() {
        assertEquals(List.of(new CommandLine("MAIL FROM:<a@b.test>"), new CommandLine("RCPT TO:<c@d.test>"),
                        new CommandLine("RCPT TO:<e@d.test>"), new CommandLine("DATA")),
                feed("MAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\nRCPT TO:<e@d.test>\r\nDATA\r\n"));
    }

    @Test
    void aLineOfTheMaximumLengthIncludingCrlfIsACommand() {
        String line = "X".repeat(MAX_LINE - 2);
        assertEquals(List.of(new CommandLine(line)), feed(line + "\r\n"));
    }

    @Test
    void aLineOneOctetOverTheMaximumIsTooLongAndTheNextLineIsStillParsed() {
        List<Frame> frames = feed("X".repeat(MAX_LINE - 1) + "\r\nNOOP\r\n");
        assertEquals(2, frames.size(), frames::toString);
        assertInstanceOf(LineTooLong.class, frames.get(0));
        assertEquals(new CommandLine("NOOP"), frames.get(1));
    }

    @Test
    void anOverLongLineArrivingInPiecesIsReportedOnceAndSkippedToItsEnd() {
        List<Frame> first = feed("X".repeat(MAX_LINE * 3));
        assertEquals(1, first.size(), first::toString);
        assertInstanceOf(LineTooLong.class, first.get(0));
        assertEquals(List.of(), feed("X".repeat(MAX_LINE * 3)));
        assertEquals(List.of(new CommandLine("NOOP")), feed("still the long line\r\nNOOP\r\n"));
    }

    @Test
    void afterDataTheFramerWaitsForTheSessionsDecision() {
        assertEquals(List.of(new CommandLine("DATA")), feed("DATA\r\nNOOP\r\n"));
        assertTrue(framer.awaitingDecision());
        assertEquals(List.of(), feed(""));
        framer.resumeCommands();
        assertEquals(List.of(new CommandLine("NOOP")), feed(""));
    }

    @Test
    void afterStartDataTheBytesAreContent() {
        feed("DATA\r\nhello\r\n.\r\n");
        framer.startData();
        assertEquals("hello\r\n", text(content(feed(""))));
    }

    @Test
    void theDataCommandIsCaseInsensitive() {
        feed("data\r\n");
        assertTrue(framer.awaitingDecision());
    }

    /** The session answers these as other commands and never calls startData or resumeCommands. */
    @ParameterizedTest
    @ValueSource(strings = {"DATA\t", " DATA", "DATA x"})
    void aLineTheSessionDoesNotReadAsDataDoesNotStopTheFramer(String line) {
        assertEquals(List.of(new CommandLine(line), new CommandLine("NOOP")), feed(line + "\r\nNOOP\r\n"));
        assertFalse(framer.awaitingDecision());
    }

    @Test
    void aLeadingDotIsRemoved() {
        assertEquals(".x\r\n.\r\nx\r\n", text(dataOf("..x\r\n..\r\n.x\r\n.\r\n")));
    }

    @Test
    void aDotAloneOnALineOnlyEndsTheMessageAfterCrlf() {
        assertEquals("a.\r\n", text(dataOf("a.\r\n.\r\n")));
    }

    @Test
    void aMessageMayBeEmpty() {
        assertEquals("", text(dataOf(".\r\n")));
    }

    @Test
    void theCommandsAfterTheEndOfDataAreCommandsAgain() {
        startData();
        List<Frame> frames = feed("Subject: s\r\n\r\nbody" + END + "MAIL FROM:<a@b.test>\r\nQUIT\r\n");
        assertEquals(3, frames.size(), frames::toString);
        assertEquals("Subject: s\r\n\r\nbody\r\n", text((Content) frames.get(0)));
        assertEquals(List.of(new CommandLine("MAIL FROM:<a@b.test>"), new CommandLine("QUIT")), frames.subList(1, 3));
    }

    @Test
    void contentFedByteByByteIsFramedTheSame() {
        startData();
        List<Frame> frames = new ArrayList<>();
        for (byte b : ascii("Subject: s\r\n\r\n..dot\r\n.\r\nNOOP\r\n")) {
            frames.addAll(feed(new byte[] {b}));
        }
        assertEquals(2, frames.size(), frames::toString);
        assertEquals("Subject: s\r\n\r\n.dot\r\n", text((Content) frames.get(0)));
        assertFalse(((Content) frames.get(0)).unsafeLineEndings());
        assertEquals(new CommandLine("NOOP"), frames.get(1));
    }

    @Test
    void aMessageOfExactlyTheSizeLimitIsWhole() {
        Content content = dataOf("x".repeat((int) MAX_SIZE - 2) + "\r\n.\r\n");
        assertFalse(content.oversized());
        assertEquals(MAX_SIZE, content.size());
        assertEquals(MAX_SIZE, content.content().length);
    }

    @Test
    void anOversizedMessageIsFlaggedAndNotKeptBeyondTheLimit() {
        startData();
        List<Frame> frames = feed("x".repeat((int) MAX_SIZE * 10) + END + "NOOP\r\n");
        Content content = (Content) frames.get(0);
        assertTrue(content.oversized());
        assertEquals(MAX_SIZE * 10 + 2, content.size());
        assertEquals(MAX_SIZE, content.content().length);
        assertEquals(List.of(new CommandLine("NOOP")), frames.subList(1, frames.size()));
    }

    @Test
    void contentOfManyPiecesIsKeptWholeAndInOrder() {
        SmtpFramer large = new SmtpFramer(MAX_LINE, 1 << 20);
        StringBuilder message = new StringBuilder();
        for (int line = 0; message.length() < 300_000; line++) {
            // Lines of odd lengths, some stuffed, so pieces fill up across lines and inside them.
            message.append(line % 7 == 0 ? "." : "").append("line ").append(line).append(" ")
                    .append("x".repeat(line % 97)).append("\r\n");
        }
        pending.writeBytes(ascii("DATA\r\n"));
        large.feed(pending, new ArrayList<>());
        large.startData();
        pending.writeBytes(ascii(message + ".\r\n"));
        List<Frame> frames = new ArrayList<>();
        large.feed(pending, frames);

        String unstuffed = message.toString().replaceAll("(?m)^\\.", "");
        assertEquals(unstuffed, text(content(frames)));
        assertEquals(unstuffed.length(), content(frames).size());
    }

    @Test
    void aCleanMessageIsNotFlaggedUnsafe() {
        assertFalse(dataOf("Subject: s\r\n\r\nline one\r\n\r\n..\r\nline three" + END).unsafeLineEndings());
    }

    @ParameterizedTest
    @MethodSource("smugglingEndings")
    void aSmugglingEndingDoesNotEndTheMessageAndIsFlaggedUnsafe(String ending) {
        startData();
        String smuggled = "MAIL FROM:<evil@x.test>\r\nRCPT TO:<anna@example.test>\r\nDATA\r\nsmuggled\r\n";
        List<Frame> frames = feed("Subject: s\r\n\r\nbody" + ending + smuggled + END + "NOOP\r\n");
        assertEquals(2, frames.size(), frames::toString);
        Content content = (Content) frames.get(0);
        assertTrue(content.unsafeLineEndings());
        assertTrue(text(content).contains(smuggled), () -> escape(text(content)));
        assertEquals(new CommandLine("NOOP"), frames.get(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\r", "\n", "\0"})
    void aBareCrABareLfOrANulAnywhereIsFlaggedUnsafe(String bad) {
        for (String message : List.of(bad + "start", "in the " + bad + " middle", "at the end" + bad)) {
            startData();
            Content content = content(feed(message + END));
            assertTrue(content.unsafeLineEndings(), () -> "not flagged: " + escape(message));
        }
    }

    private void startData() {
        feed("DATA\r\n");
        framer.startData();
    }

    /** The content of one whole DATA transaction: {@code data} is everything after the 354. */
    private Content dataOf(String data) {
        startData();
        return content(feed(data));
    }

    private static Content content(List<Frame> frames) {
        assertEquals(1, frames.size(), frames::toString);
        return (Content) frames.get(0);
    }

    private static String text(Content content) {
        return new String(content.content(), StandardCharsets.ISO_8859_1);
    }

    private List<Frame> feed(String text) {
        return feed(ascii(text));
    }

    private List<Frame> feed(byte[] bytes) {
        pending.writeBytes(Unpooled.copiedBuffer(bytes));
        List<Frame> frames = new ArrayList<>();
        framer.feed(pending, frames);
        pending.discardReadBytes();
        return frames;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String escape(String text) {
        return text.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0");
    }
}
