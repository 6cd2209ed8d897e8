package dev.postillion.mta;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * postillion.log.format = json: a node in a JVM of its own writes every line as a JSON object,
 * the queue's and the SMTP server's with their fields, and the same words in formattedMessage.
 */
@Tag("process")
class JsonLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MAILBOX = "anna@example.test";

    @TempDir Path workDir;
    @RegisterExtension final ChildNode node = new ChildNode("-Dpostillion.log.format=json");

    @Test
    void eachLineIsJsonAndTheQueueAndSmtpLinesCarryTheirFields() throws Exception {
        node.start(workDir);
        node.createMailbox(MAILBOX);
        String queueId;
        try (SmtpClient smtp = new SmtpClient(node.smtpPort())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            queueId = SmtpProtocolTest.send(smtp, "<bob@sender.test>", "Subject: json\r\n\r\nhi\r\n", MAILBOX);
        }
        await().untilAsserted(() -> assertTrue(fields(lines(), queueId, "sent").isPresent(), "no sent line yet"));

        List<JsonNode> lines = lines();
        Map<String, String> sent = fields(lines, queueId, "sent").orElseThrow();
        assertEquals("anna@example.test", sent.get("recipient"));
        assertEquals("local", sent.get("relay"));
        assertEquals("2.0.0", sent.get("dsn"));
        Map<String, String> queued = fields(lines, queueId, "queued").orElseThrow();
        assertEquals("mx", queued.get("listener"));
        assertEquals("127.0.0.1", queued.get("client"));
        JsonNode sentLine = lines.stream().filter(line -> line.path("formattedMessage").asText()
                .startsWith(queueId + ": to=<anna@example.test>, relay=local")).findFirst().orElseThrow();
        assertTrue(sentLine.path("formattedMessage").asText().contains("status=sent"), sentLine.toString());
        assertEquals("INFO", sentLine.path("level").asText());
        assertEquals("mx.test", sentLine.path("context").path("properties").path("node").asText(), sentLine.toString());
        assertTrue(lines.stream().anyMatch(line -> kvp(line).getOrDefault("outcome", "").equals("disconnect")));
    }

    /** Every line of the node's output, each of which must be JSON (but ChildNode's own "--- start" marks). */
    private List<JsonNode> lines() throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : node.output().split("\n")) {
            if (!line.isBlank() && !line.startsWith("--- ")) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    /** The fields of the first line about {@code queueId} with that outcome. */
    private static Optional<Map<String, String>> fields(List<JsonNode> lines, String queueId, String outcome) {
        return lines.stream().map(JsonLogTest::kvp)
                .filter(fields -> queueId.equals(fields.get("queue_id")) && outcome.equals(fields.get("outcome")))
                .findFirst();
    }

    private static Map<String, String> kvp(JsonNode line) {
        Map<String, String> fields = new HashMap<>();
        line.path("kvpList").forEach(pair -> pair.fields().forEachRemaining(field ->
                fields.put(field.getKey(), field.getValue().asText())));
        return fields;
    }
}
