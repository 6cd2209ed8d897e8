package dev.postillion.mta;

import static dev.postillion.mta.CommandLineRun.against;
import static dev.postillion.mta.OutboundDeliveryTest.describe;
import static dev.postillion.mta.SmtpProtocolTest.connect;
import static dev.postillion.mta.SmtpProtocolTest.message;
import static dev.postillion.mta.SmtpProtocolTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postillion.queue.testing.FakeMx;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code postillion queue} against a real node whose messages wait for a real reason, a remote
 * server answering 451: the listing as a table, as mailq and as JSON, and each operation, with the
 * exit status of each. Every test leaves the queue empty.
 */
class CommandLineQueueTest extends NodeInRemoteWorld {

    private static final String BUSY = "451 4.2.0 Mailbox busy";
    private static final String WAITING = "wait@remote.test";

    @BeforeAll
    static void start() throws IOException {
        startWorld().mx().rejectRecipient(WAITING, BUSY);
        startNode(Map.of());
    }

    @AfterEach
    void emptyTheQueue() {
        queue.ids("").forEach(id -> assertEquals(204, queue.delete(id).statusCode()));
        queue.awaitEmpty();
    }

    @Test
    void theListingIsATableOrMailqOrTheApisJson() throws IOException {
        String first = deferred("<a@one.test>");
        String bounceless = deferred("<>");
        JsonNode message = queue.message(first);
        JsonNode other = queue.message(bounceless);

        CommandLineRun table = against(node, "queue", "list");
        assertEquals(0, table.exit(), table.toString());
        List<String> lines = table.out().lines().toList();
        assertEquals(List.of("ID", "STATE", "ARRIVAL", "ATTEMPTS", "NEXT ATTEMPT", "SENDER", "PENDING RECIPIENTS"),
                cells(lines.get(0)));
        assertEquals(List.of(first, "deferred", seconds(message.get("arrival")), "1", seconds(message.get("nextAttempt")),
                "a@one.test", WAITING), cells(lines.get(1)));
        assertEquals(List.of(bounceless, "deferred", seconds(other.get("arrival")), "1", seconds(other.get("nextAttempt")),
                "<>", WAITING), cells(lines.get(2)));
        assertEquals(3, lines.size(), table.out());

        CommandLineRun mailq = against(node, "queue", "list", "--format", "mailq");
        assertEquals(0, mailq.exit(), mailq.toString());
        lines = mailq.out().lines().toList();
        assertEquals("-Queue ID-                --Size-- ---Arrival Time---- --Sender/Recipient------", lines.get(0));
        String arrival = "\\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d ";
        assertTrue(lines.get(1).matches(first + " +" + message.get("size").asText() + " " + arrival + "a@one\\.test"),
                lines.get(1));
        String reason = describe(BUSY, "RCPT TO");
        // right-aligned at column 78, as Postfix does, unless too long for it
        assertEquals(" ".repeat(Math.max(0, 76 - reason.length())) + "(" + reason + ")", lines.get(2));
        assertEquals(" ".repeat(55) + WAITING, lines.get(3));
        assertEquals("", lines.get(4));
        assertTrue(lines.get(5).matches(bounceless + " +" + other.get("size").asText() + " " + arrival + "MAILER-DAEMON"),
                lines.get(5));
        assertEquals("-- " + (message.get("size").asLong() + other.get("size").asLong()) / 1024 + " Kbytes in 2 Requests.",
                lines.get(lines.size() - 1));

        CommandLineRun json = against(node, "queue", "list", "--json");
        assertEquals(List.of(first, bounceless), QueueApi.ids(json.json()));
        assertTrue(json.json().get("next").isNull(), json.out());
        assertTrue(json.json().get("nodes").get(0).get("answered").asBoolean(), json.out());
    }

    @Test
    void theListingIsFilteredAndOnePageIsGivenWithLimit() throws IOException {
        String first = deferred("<a@one.test>");
        String second = deferred("<>");

        CommandLineRun page = against(node, "queue", "list", "--limit", "1", "--json");
        assertEquals(List.of(first), QueueApi.ids(page.json()));
        assertEquals(first, page.json().get("next").asText());
        CommandLineRun text = against(node, "queue", "list", "--limit", "1");
        assertEquals("more messages follow: add --after " + first + "\n", text.err());
        assertEquals(List.of(second), QueueApi.ids(against(node, "queue", "list", "--after", first, "--json").json()));
        assertEquals(List.of(second), QueueApi.ids(against(node, "queue", "list", "--sender", "<>", "--json").json()));
        assertEquals(new CommandLineRun(0,
                "ID  STATE  ARRIVAL  ATTEMPTS  NEXT ATTEMPT  SENDER  PENDING RECIPIENTS\n", ""),
                against(node, "queue", "list", "--state", "hold"));
        CommandLineRun badState = against(node, "queue", "list", "--state", "queued");
        assertEquals(new CommandLineRun(1, "",
                "postillion queue list: parameter 'state' must be active, deferred or hold, not 'queued'\n"), badState);
    }

    @Test
    void aMessageIsShownHeldReleasedRetriedFlushedBouncedAndDeleted() throws IOException {
        String id = deferred("<a@one.test>");
        String other = deferred("<b@two.test>");

        CommandLineRun show = against(node, "queue", "show", id);
        assertEquals(0, show.exit(), show.toString());
        List<String> lines = show.out().lines().toList();
        JsonNode message = queue.message(id);
        assertEquals(List.of("Queue ID:     " + id, "State:        deferred", "Node:         " + message.get("node").asText(),
                "Sender:       a@one.test", "Arrival:      " + message.get("arrival").asText(),
                "Size:         " + message.get("size").asText() + " bytes", "Attempts:     1",
                "Next attempt: " + message.get("nextAttempt").asText(), ""), lines.subList(0, 9));
        assertEquals(List.of("RECIPIENT", "STATE", "ATTEMPTS", "LAST RESULT"), cells(lines.get(9)));
        assertEquals(List.of(WAITING, "pending", "1", describe(BUSY, "RCPT TO")), cells(lines.get(10)));
        assertEquals(message, against(node, "queue", "show", id, "--json").json());

        assertEquals(new CommandLineRun(0, "message " + id + " is on hold\n", ""), against(node, "queue", "hold", id));
        assertEquals(List.of(id), QueueApi.ids(against(node, "queue", "list", "--state", "hold", "--json").json()));
        assertEquals(new CommandLineRun(1, "", "postillion queue retry: message " + id + " is on hold; release it first\n"),
                against(node, "queue", "retry", id));
        assertEquals(new CommandLineRun(0, "message " + id + " is released\n", ""), against(node, "queue", "release", id));
        assertEquals(new CommandLineRun(0, "message " + id + " will be attempted now\n", ""),
                against(node, "queue", "retry", id));
        queue.awaitAttempts(id, 2);

        assertEquals(new CommandLineRun(0, "2 messages will be attempted now\n", ""),
                against(node, "queue", "flush", "--domain", "remote.test"));
        CommandLineRun none = against(node, "queue", "flush", "--domain", "nowhere.test", "--json");
        assertEquals(0, none.json().get("retried").asInt(), none.toString());

        assertEquals(new CommandLineRun(0, "message " + id + " is returned to its sender\n", ""),
                against(node, "queue", "bounce", id));
        assertEquals(new CommandLineRun(0, "", ""), against(node, "queue", "delete", other, "--json"));
        assertEquals(new CommandLineRun(1, "", "postillion queue delete: no message " + other + " in the queue\n"),
                against(node, "queue", "delete", other));
        CommandLineRun notAnId = against(node, "queue", "show", "xyz");
        assertEquals(1, notAnId.exit(), notAnId.toString());
        assertTrue(notAnId.err().startsWith("postillion queue show: 'xyz' is not a queue id"), notAnId.err());
    }

    @Test
    void severalMessagesAreChangedAtOnceAndARefusalLeavesTheOthersDone() throws IOException {
        String first = deferred("<a@one.test>");
        String second = deferred("<b@two.test>");
        String notQueued = "00000000000000000000000F";

        assertEquals(new CommandLineRun(0, "message " + first + " is on hold\nmessage " + second + " is on hold\n", ""),
                against(node, "queue", "hold", first, second));
        assertEquals(new CommandLineRun(1, "", "postillion queue retry: message " + first + " is on hold; release it first\n"
                + "postillion queue retry: message " + second + " is on hold; release it first\n"),
                against(node, "queue", "retry", first, second));

        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream((first + "\n\n " + second + "\n").getBytes(StandardCharsets.US_ASCII)));
            assertEquals(new CommandLineRun(0, "message " + first + " is released\nmessage " + second + " is released\n", ""),
                    against(node, "queue", "release", "-"));
        } finally {
            System.setIn(stdin);
        }

        assertEquals(new CommandLineRun(1, "message " + first + " is deleted\nmessage " + second + " is deleted\n",
                "postillion queue delete: no message " + notQueued + " in the queue\n"),
                against(node, "queue", "delete", first, notQueued, second));
    }

    @Test
    void anEmptyQueueIsSaidToBeEmpty() {
        assertEquals(new CommandLineRun(0, "Mail queue is empty\n", ""),
                against(node, "queue", "list", "--format", "MAILQ"));
        assertEquals("[]", against(node, "queue", "list", "--json").json().get("messages").toString());
    }

    /** A message for {@value #WAITING}, once attempted and deferred; its queue id. */
    private static String deferred(String reversePath) throws IOException {
        try (SmtpClient smtp = connect(node)) {
            String id = send(smtp, reversePath, message("for the command line"), WAITING);
            assertEquals("deferred", queue.awaitAttempts(id, 1).get("state").asText());
            return id;
        }
    }

    private static List<String> cells(String line) {
        return List.of(line.split(" {2,}"));
    }

    private static String seconds(JsonNode instant) {
        return Instant.parse(instant.asText()).truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
