package dev.postillion.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.core.MessageHeaders.Field;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MessageHeadersTest {

    @Test
    void fieldsKeepTheirOrderAndTrimmedValues() {
        MessageHeaders headers = parse("From:  anna@example.com \r\nTo: bob@example.org\r\nSubject: hi\r\n\r\nbody\r\n");
        assertEquals(List.of(new Field("From", "anna@example.com"), new Field("To", "bob@example.org"),
                new Field("Subject", "hi")), headers.fields());
    }

    @Test
    void foldedValuesAreUnfolded() {
        MessageHeaders headers = parse("Subject: a long\r\n  subject\r\n\tline\r\nX-Next: 1\r\n\r\n");
        assertEquals(Optional.of("a long  subject\tline"), headers.first("Subject"));
        assertEquals(Optional.of("1"), headers.first("X-Next"));
    }

    @Test
    void parsingStopsAtTheBlankLine() {
        MessageHeaders headers = parse("Subject: real\r\n\r\nSubject: in the body\r\nFrom: body@example.com\r\n");
        assertEquals(1, headers.fields().size());
        assertEquals(Optional.empty(), headers.first("From"));
    }

    @Test
    void bareLineFeedsEndLinesToo() {
        MessageHeaders headers = parse("Subject: a\n b\nFrom: x@example.com\n\nFrom: body@example.com\n");
        assertEquals(Optional.of("a b"), headers.first("Subject"));
        assertEquals(1, headers.count("From"));
    }

    @Test
    void namesMatchCaseInsensitivelyAndFirstWins() {
        MessageHeaders headers = parse("received: one\r\nRECEIVED: two\r\nReceived: three\r\n\r\n");
        assertEquals(Optional.of("one"), headers.first("Received"));
        assertEquals(3, headers.count("Received"));
        assertEquals(0, headers.count("Delivered-To"));
    }

    @Test
    void linesWithoutColonAreSkipped() {
        MessageHeaders headers = parse("not a field\r\nSubject: ok\r\n\r\n");
        assertEquals(List.of(new Field("Subject", "ok")), headers.fields());
    }

    @Test
    void messageWithoutBodyEndsWithTheLastField() {
        assertEquals(Optional.of("last"), parse("Subject: last").first("Subject"));
        assertTrue(parse("").fields().isEmpty());
    }

    @Test
    void utf8ValuesAreDecoded() {
        assertEquals(Optional.of("Grüße"), parse("Subject: Grüße\r\n\r\n").first("Subject"));
    }

    private static MessageHeaders parse(String message) {
        return MessageHeaders.parse(message.getBytes(StandardCharsets.UTF_8));
    }
}
