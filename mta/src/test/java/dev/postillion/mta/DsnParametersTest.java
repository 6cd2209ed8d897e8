package dev.postillion.mta;

import static dev.postillion.mta.SmtpProtocolTest.RECIPIENT_OK;
import static dev.postillion.mta.SmtpProtocolTest.SENDER_OK;
import static dev.postillion.mta.SmtpProtocolTest.START_DATA;
import static dev.postillion.mta.SmtpProtocolTest.connect;
import static dev.postillion.mta.SmtpProtocolTest.message;
import static dev.postillion.mta.SmtpProtocolTest.newMailbox;
import static dev.postillion.mta.SmtpProtocolTest.queueId;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.postillion.core.Envelope;
import dev.postillion.core.QueueId;
import dev.postillion.core.Store;
import dev.postillion.core.TestStores;
import dev.postillion.core.Xtext;
import dev.postillion.queue.SpoolStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The DSN extension's parameters (RFC 3461 section 4) at MAIL and RCPT, and what the spool keeps of them. */
class DsnParametersTest {

    @TempDir static Path dataDir;
    static TestNode node;
    static String recipient;

    @BeforeAll
    static void start() {
        node = TestNode.start(dataDir);
        recipient = newMailbox(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void retAndEnvidAreAcceptedInAnyCase() throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertEquals(SENDER_OK, smtp.command(mail("RET=FULL ENVID=QQ314159")));
            smtp.command("RSET");
            assertEquals(SENDER_OK, smtp.command(mail("ret=hdrs envid=a+2Bb+20c")));
            smtp.command("RSET");
            assertEquals(SENDER_OK, smtp.command(mail("ENVID=" + "x".repeat(100))));
        }
    }

    @Test
    void badRetAndEnvidAreRefusedNamingTheProblem() throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertEquals("501 5.5.4 Bad RET parameter: must be FULL or HDRS", smtp.command(mail("RET=ALL")));
            assertEquals("501 5.5.4 Bad RET parameter: must be FULL or HDRS", smtp.command(mail("RET")));
            assertEquals("501 5.5.4 Bad ENVID parameter: the envelope identifier is empty",
                    smtp.command(mail("ENVID=")));
            assertEquals("501 5.5.4 Bad ENVID parameter: longer than 100 characters",
                    smtp.command(mail("ENVID=" + "x".repeat(101))));
            assertEquals("501 5.5.4 Bad ENVID parameter: the envelope identifier is not xtext: "
                    + "'+2b' at position 2 must be written with upper-case hexadecimal digits",
                    smtp.command(mail("ENVID=a+2bc")));
            assertEquals("501 5.5.4 Bad ENVID parameter: the envelope identifier is not xtext: "
                    + "character '=' at position 2 is not allowed in xtext", smtp.command(mail("ENVID=a=b")));
            assertEquals("501 5.5.4 Bad ENVID parameter: the envelope identifier must decode to printable "
                    + "US-ASCII (RFC 3461 section 4.4)", smtp.command(mail("ENVID=a+0D+0ABcc:x")));
            assertEquals(SENDER_OK, smtp.command(mail("ENVID=QQ314159")));
        }
    }

    @Test
    void notifyAndOrcptAreAccepted() throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertEquals(SENDER_OK, smtp.command(mail("")));
            for (String parameters : List.of("NOTIFY=NEVER", "notify=never", "NOTIFY=SUCCESS",
                    "NOTIFY=success,FAILURE,Delay", "ORCPT=rfc822;anna@example.test",
                    "ORCPT=utf-8;j\\x{00F6}rg@example.test", "NOTIFY=FAILURE,DELAY ORCPT=rfc822;a+2Bb@example.test",
                    "ORCPT=rfc822;" + "x".repeat(500 - "rfc822;".length()))) {
                assertEquals(RECIPIENT_OK, smtp.command("RCPT TO:<" + recipient + "> " + parameters), parameters);
            }
        }
    }

    @Test
    void badNotifyIsRefusedNamingTheProblem() throws IOException {
        String notList = "501 5.5.4 Bad NOTIFY parameter: must be NEVER or a comma-separated list of SUCCESS, "
                + "FAILURE and DELAY";
        try (SmtpClient smtp = connect(node)) {
            assertEquals(SENDER_OK, smtp.command(mail("")));
            assertEquals(notList, smtp.command(rcpt("NOTIFY=")));
            assertEquals(notList, smtp.command(rcpt("NOTIFY=ALWAYS")));
            assertEquals(notList, smtp.command(rcpt("NOTIFY=SUCCESS,,DELAY")));
            assertEquals(notList, smtp.command(rcpt("NOTIFY=SUCCESS,")));
            assertEquals("501 5.5.4 Bad NOTIFY parameter: NEVER cannot be combined with other values",
                    smtp.command(rcpt("NOTIFY=NEVER,SUCCESS")));
            assertEquals("501 5.5.4 Bad NOTIFY parameter: NEVER cannot be combined with other values",
                    smtp.command(rcpt("NOTIFY=delay,never")));
            assertEquals("501 5.5.4 Bad NOTIFY parameter: SUCCESS is listed twice",
                    smtp.command(rcpt("NOTIFY=SUCCESS,success")));
            assertEquals(RECIPIENT_OK, smtp.command(rcpt("NOTIFY=DELAY")));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "anna@example.test|must be an address type, ';' and the address, e.g. rfc822;anna@example.com",
            ";a@example.test|the address type before ';' is not an atom",
            "rfc.822;a@example.test|the address type before ';' is not an atom",
            "rfc822;|the address after ';' is empty",
            "rfc822;a+2x@example.test|the address is not xtext: '+' at position 2 is not followed by two hexadecimal digits",
            "rfc822;a=b@example.test|the address is not xtext: character '=' at position 2 is not allowed in xtext",
            "rfc822;a+00b@example.test|the address must decode to printable US-ASCII (RFC 3461 section 4.2)"})
    void badOrcptIsRefusedNamingTheProblem(String value, String problem) throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertEquals(SENDER_OK, smtp.command(mail("")));
            assertEquals("501 5.5.4 Bad ORCPT parameter: " + problem, smtp.command(rcpt("ORCPT=" + value)));
            assertEquals(RECIPIENT_OK, smtp.command(rcpt("ORCPT=rfc822;a@example.test")));
        }
    }

    @Test
    void anOrcptOverFiveHundredCharactersIsRefused() throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertEquals(SENDER_OK, smtp.command(mail("")));
            assertEquals("501 5.5.4 Bad ORCPT parameter: longer than 500 characters",
                    smtp.command(rcpt("ORCPT=rfc822;" + "x".repeat(501 - "rfc822;".length()))));
        }
    }

    @Test
    void aParameterGivenTwiceIsRefused() throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertEquals("501 5.5.4 Duplicate parameter: RET", smtp.command(mail("RET=FULL ret=FULL")));
            assertEquals("501 5.5.4 Duplicate parameter: ENVID", smtp.command(mail("ENVID=a RET=HDRS ENVID=b")));
            assertEquals(SENDER_OK, smtp.command(mail("RET=FULL ENVID=a")));
            assertEquals("501 5.5.4 Duplicate parameter: NOTIFY", smtp.command(rcpt("NOTIFY=NEVER NOTIFY=NEVER")));
            assertEquals("501 5.5.4 Duplicate parameter: ORCPT",
                    smtp.command(rcpt("ORCPT=rfc822;a@example.test ORCPT=rfc822;b@example.test")));
            assertEquals(RECIPIENT_OK, smtp.command(rcpt("NOTIFY=NEVER ORCPT=rfc822;a@example.test")));
        }
    }

    @Test
    void otherRcptParametersAreUnsupported() throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertEquals(SENDER_OK, smtp.command(mail("")));
            assertEquals("555 5.5.4 Unsupported option: SIZE", smtp.command(rcpt("SIZE=100")));
            assertEquals("555 5.5.4 Unsupported option: XFORWARD", smtp.command(rcpt("NOTIFY=NEVER XFORWARD=1")));
        }
    }

    /** The parameters belong to the DSN extension, which only an EHLO reply offers. */
    @Test
    void afterHeloTheParametersAreUnsupported() throws IOException {
        try (SmtpClient smtp = new SmtpClient(node.smtpPort())) {
            smtp.reply();
            assertEquals("250 mx.test", smtp.command("HELO client.test"));
            assertEquals("555 5.5.4 Unsupported option: RET", smtp.command(mail("RET=FULL")));
            assertEquals(SENDER_OK, smtp.command(mail("")));
            assertEquals("555 5.5.4 Unsupported option: NOTIFY", smtp.command(rcpt("NOTIFY=NEVER")));
            assertEquals(RECIPIENT_OK, smtp.command(rcpt("")));
        }
    }

    /**
     * What the queue reads: the envelope as committed to the spool. A node that never starts a
     * delivery leaves the message there, so the record is read back from its store after it stopped.
     */
    @Test
    void theSpooledEnvelopeKeepsTheParametersForTheQueue(@TempDir Path idleDir) throws IOException {
        TestNode idle = TestNode.start(idleDir, Map.of("postillion.delivery.max-attempts-in-flight", 0),
                Clock.systemUTC());
        String first;
        String second;
        String id;
        try (SmtpClient smtp = connect(idle)) {
            first = newMailbox(idle);
            second = newMailbox(idle);
            assertEquals(SENDER_OK, smtp.command(mail("SIZE=100 ret=hdrs ENVID=QQ314159+2B1")));
            assertEquals(RECIPIENT_OK, smtp.command("RCPT TO:<" + first + "> notify=success,Delay ORCPT=rfc822;"
                    + Xtext.encode("Anna+tag@Example.test")));
            assertEquals(RECIPIENT_OK, smtp.command("RCPT TO:<" + second + ">"));
            assertEquals(START_DATA, smtp.command("DATA"));
            id = queueId(smtp.command(message("dsn") + "."));
        } finally {
            idle.close();
        }
        try (Store store = TestStores.open(idleDir.resolve("store"), Node.storeFamilies())) {
            Envelope envelope = new SpoolStore(store, TestStores.SPOOL_KEY).message(QueueId.parse(id)).toCompletableFuture().join().envelope();
            assertEquals(Map.of("SIZE", "100", "RET", "HDRS", "ENVID", "QQ314159+2B1"), envelope.mailParameters());
            assertEquals(List.of(first, second),
                    envelope.recipients().stream().map(r -> r.address().toString()).toList());
            assertEquals(Map.of("NOTIFY", "SUCCESS,DELAY", "ORCPT", "rfc822;Anna+2Btag@Example.test"),
                    envelope.recipients().get(0).parameters());
            assertEquals(Map.of(), envelope.recipients().get(1).parameters());
        }
    }

    private static String mail(String parameters) {
        return ("MAIL FROM:<a@sender.test> " + parameters).trim();
    }

    private static String rcpt(String parameters) {
        return ("RCPT TO:<" + recipient + "> " + parameters).trim();
    }
}
