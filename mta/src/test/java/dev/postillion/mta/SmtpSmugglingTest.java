package dev.postillion.mta;

import static dev.postillion.mta.SmtpProtocolTest.OK;
import static dev.postillion.mta.SmtpProtocolTest.RECIPIENT_OK;
import static dev.postillion.mta.SmtpProtocolTest.SENDER_OK;
import static dev.postillion.mta.SmtpProtocolTest.START_DATA;
import static dev.postillion.mta.SmtpProtocolTest.connect;
import static dev.postillion.mta.SmtpProtocolTest.message;
import static dev.postillion.mta.SmtpProtocolTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SMTP smuggling (the 2023 class of attacks): an ending that some server further on would take for
 * {@code <CRLF>.<CRLF>} must neither end the message here nor let the bytes after it run as commands.
 * The whole content is refused instead, as it cannot be relayed safely. Command lines, likewise,
 * end with CRLF and nothing else.
 */
class SmtpSmugglingTest {

    private static final String ANNA = "anna@example.test";
    private static final String UNSAFE = "554 5.6.0 Error: message contains a bare CR, a bare LF or a NUL;"
            + " lines must end with CRLF (RFC 5321 section 2.3.8)";
    private static final String BARE_LF = "500 5.5.2 Error: bare <LF> received";
    private static final String SMUGGLED =
            "MAIL FROM:<evil@x.test>\r\nRCPT TO:<" + ANNA + ">\r\nDATA\r\nsmuggled\r\n";

    @TempDir static Path dataDir;
    static TestNode node;
    static MailboxReader mailboxes;

    @BeforeAll
    static void start() {
        node = TestNode.start(dataDir);
        node.createMailbox(ANNA);
        mailboxes = new MailboxReader(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static Stream<Arguments> smugglingEndings() {
        return Stream.of("\n.\n", "\r.\r", "\n.\r\n", "\r.\n", "\r\n.\n", "\n.\r", "\r\n.\r", "\r\n\0.\r\n", "\r\n.\0\r\n")
                .map(ending -> Arguments.of(escape(ending), ending));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smugglingEndings")
    void aSmuggledMessageIsRefusedWithItsCarrierAndNeverStored(String name, String ending) throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertEquals(UNSAFE, transaction(smtp, message("carrier") + "body" + ending + SMUGGLED + "\r\n"));
            assertEquals(OK, smtp.command("NOOP"), "a smuggled command was answered");
            assertOnlyMarkersStored(smtp, name);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"\r", "\n", "\0"})
    void aBareCrABareLfOrANulIsRefused(String bad) throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertEquals(UNSAFE, transaction(smtp, message("carrier") + "a line with " + bad + " inside\r\n"));
            assertOnlyMarkersStored(smtp, escape(bad));
        }
    }

    /**
     * Commands end with CRLF only (RFC 5321 section 2.3.8): a line ending in a bare LF is refused
     * and not executed, so what follows it is never a command of its own making.
     */
    @Test
    void aCommandLineEndingInABareLfIsRefusedAndNotExecuted() throws IOException {
        try (SmtpClient smtp = connect(node)) {
            smtp.send("MAIL FROM:<evil@x.test>\nRCPT TO:<" + ANNA + ">\r\n");
            assertEquals(BARE_LF, smtp.reply());
            assertEquals("503 5.5.1 Error: need MAIL command", smtp.reply());
            smtp.send("RSET\nEHLO a\nX: 1\r\n");
            assertEquals(BARE_LF, smtp.reply());
            assertEquals(BARE_LF, smtp.reply());
            assertEquals("500 5.5.2 Error: command not recognized", smtp.reply());
            assertEquals(OK, smtp.command("NOOP"));
        }
    }

    /** MAIL, RCPT, DATA, then {@code content} and the true end: the reply to the content. */
    private static String transaction(SmtpClient smtp, String content) throws IOException {
        assertEquals(SENDER_OK, smtp.command("MAIL FROM:<alice@sender.test>"));
        assertEquals(RECIPIENT_OK, smtp.command("RCPT TO:<" + ANNA + ">"));
        assertEquals(START_DATA, smtp.command("DATA"));
        return smtp.command(content + ".");
    }

    /**
     * Sends a clean marker message after the refused one and waits for it, so that anything queued
     * before it has had its chance to arrive; then only markers may be in the mailbox.
     */
    private static void assertOnlyMarkersStored(SmtpClient smtp, String name) throws IOException {
        String id = send(smtp, "<alice@sender.test>", message("marker after " + name), ANNA);
        mailboxes.awaitMessage(ANNA, id);
        List<JsonNode> stored = mailboxes.messages(ANNA);
        stored.forEach(m -> assertTrue(m.get("subject").asText().startsWith("marker after "), m::toString));
    }

    private static String escape(String text) {
        return text.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0");
    }
}
