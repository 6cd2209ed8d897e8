package dev.postillion.mta;

import static dev.postillion.mta.OutboundDeliveryTest.awaitTransaction;
import static dev.postillion.mta.SmtpProtocolTest.commands;
import static dev.postillion.mta.SmtpProtocolTest.connect;
import static dev.postillion.mta.SmtpProtocolTest.message;
import static dev.postillion.mta.SmtpProtocolTest.queueId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postillion.queue.testing.FakeMx;
import dev.postillion.queue.testing.FakeMx.Transaction;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/**
 * Internationalized domains (RFC 6531, UTS 46) by a real node: a recipient domain in U-labels is
 * asked of DNS, matched in the transport map and looked up among the hosted domains in its A-label
 * form, whichever form the client or the operator wrote.
 */
class InternationalDomainTest extends NodeInRemoteWorld {

    private static final String REMOTE_ALABEL = "xn--bcher-kva.example";
    private static final String REMOTE_ULABEL = "bücher.example";
    private static final String HOSTED_ULABEL = "bücher.test";
    private static final String HOSTED_ALABEL = "xn--bcher-kva.test";

    static FakeMx mx;

    @BeforeAll
    static void start() throws IOException {
        mx = startWorld().mx();
        // The transport entry is written in A-labels; the recipient comes in U-labels.
        world.ownMx(REMOTE_ALABEL);
        world.dns().mx(REMOTE_ALABEL, 10, "mx." + REMOTE_ALABEL).a("mx." + REMOTE_ALABEL, "127.0.0.1");
        startNode(Map.of());
        HttpResponse<String> created = node.post("/api/v1/domains", "{\"name\":\"" + HOSTED_ULABEL + "\"}");
        assertEquals(201, created.statusCode(), created.body());
        assertEquals(HOSTED_ALABEL, AdminCalls.json(created).get("name").asText());
        assertEquals(201, node.post("/api/v1/domains/" + HOSTED_ALABEL + "/addresses",
                "{\"localPart\":\"anna\",\"password\":\"secret-password\"}").statusCode());
    }

    @Test
    void aRecipientDomainInULabelsIsAskedOfDnsAndMatchedInTheTransportMapAsALabels() throws IOException {
        String recipient = "jörg@" + REMOTE_ULABEL;
        try (SmtpClient smtp = connect(node)) {
            queueId(commands(smtp, "MAIL FROM:<a@sender.test> SMTPUTF8", message("to an idn"),
                    "RCPT TO:<" + recipient + ">"));
        }

        Transaction received = awaitTransaction(mx, "<to-an-idn@sender.test>");
        assertEquals(List.of(new FakeMx.Recipient(recipient, Map.of())), received.recipients());
        assertTrue(world.dns().queries(REMOTE_ALABEL, Type.MX) > 0, "the MX question was asked in A-labels");
        queue.awaitEmpty();
    }

    @Test
    void aHostedDomainCreatedInULabelsReceivesMailAddressedInEitherForm() throws IOException {
        String first;
        String second;
        try (SmtpClient smtp = connect(node)) {
            first = queueId(commands(smtp, "MAIL FROM:<a@sender.test> SMTPUTF8", message("in u-labels"),
                    "RCPT TO:<anna@BÜCHER.test>"));
            second = queueId(commands(smtp, "MAIL FROM:<a@sender.test>", message("in a-labels"),
                    "RCPT TO:<Anna@" + HOSTED_ALABEL.toUpperCase(Locale.ROOT) + ">"));
        }
        JsonNode one = mailboxes.awaitMessage("anna@" + HOSTED_ALABEL, first);
        JsonNode two = mailboxes.awaitMessage("anna@" + HOSTED_ALABEL, second);
        assertEquals("in u-labels", one.get("subject").asText());
        assertEquals("in a-labels", two.get("subject").asText());
    }

    @Test
    void aDomainThatIsNoValidInternationalizedNameIsRefusedNamingTheRule() throws IOException {
        try (SmtpClient smtp = connect(node)) {
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<a@sender.test> SMTPUTF8"));
            assertEquals("501 5.1.3 Bad recipient address syntax: label starting xn-- is not a valid A-label",
                    smtp.command("RCPT TO:<anna@xn--zz.example>"));
            assertEquals("501 5.1.3 Bad recipient address syntax: character not allowed in an internationalized"
                    + " domain name (UTS 46)", smtp.command("RCPT TO:<anna@a\u00a0b.example>"));
        }
    }
}
