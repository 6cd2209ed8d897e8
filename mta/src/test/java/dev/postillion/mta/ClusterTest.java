package dev.postillion.mta;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes, each in a JVM of its own, on loopback, sharing one PostgreSQL: one mail service.
 * What is created through one node is known to the others, mail lands once whichever node took
 * it, every node's admin API shows the same, a greylisted client may retry on another node, and a
 * responder answers a sender once whichever nodes the sender's mail came through.
 */
@Tag("cluster")
class ClusterTest {

    private static final Duration SETTLED = Duration.ofSeconds(60);
    private static final String DOMAIN = "example.test";

    @TempDir Path workDir;
    @RegisterExtension final ChildNode one = new ChildNode();
    @RegisterExtension final ChildNode two = new ChildNode();
    @RegisterExtension final ChildNode three = new ChildNode();

    private List<ChildNode> nodes;

    @Test
    void threeNodesAreOneMailService() throws Exception {
        startCluster();
        for (ChildNode node : nodes) {
            assertEquals(List.of("node1", "node2", "node3"), StreamSupport.stream(
                    node.get("/api/v1/cluster").get("members").spliterator(), false)
                    .map(member -> member.get("name").asText()).sorted().toList(), "every node knows the others' names");
        }

        assertEquals(201, one.post("/api/v1/domains", "{\"name\":\"" + DOMAIN + "\"}").statusCode());
        // Each node asks for an address before another creates it: its cache must not keep the answer.
        for (int i = 0; i < 3; i++) {
            assertReply(nodes.get(i), "mail-" + i, "550 5.1.1");
        }
        for (int i = 0; i < 3; i++) {
            createAddress(nodes.get((i + 1) % 3), "mail-" + i);
        }
        for (int i = 0; i < 3; i++) {
            ChildNode taker = nodes.get(i);
            String localPart = "mail-" + i;
            await("RCPT on node " + (i + 1)).atMost(SETTLED).until(() -> reply(taker, localPart).startsWith("250"));
            send(taker, "sender@" + DOMAIN, localPart, "<m" + i + "@test>");
        }
        for (int i = 0; i < 3; i++) {
            String address = "mail-" + i + "@" + DOMAIN;
            String messageId = "<m" + i + "@test>";
            await(address + " on every node").atMost(SETTLED).until(() ->
                    nodes.stream().allMatch(node -> node.messageIds(address).equals(List.of(messageId))));
        }

        largeMessagesReachMailboxesOnOtherNodes();
        greylistRetryOnAnotherNodePasses();
        responderAnswersASenderOnceAcrossTheCluster();
    }

    /** Deliveries carry the message to the mailbox's node: a large one crosses too. */
    private void largeMessagesReachMailboxesOnOtherNodes() throws IOException {
        String body = ("x".repeat(998) + "\r\n").repeat(3_000); // 3 MB
        for (int i = 0; i < 3; i++) {
            try (SmtpClient smtp = session(one, "sender@" + DOMAIN)) {
                assertTrue(smtp.command("RCPT TO:<mail-" + i + "@" + DOMAIN + ">").startsWith("250"));
                assertTrue(smtp.command("DATA").startsWith("354"));
                String queued = smtp.command("Message-ID: <large-" + i + "@test>\r\nSubject: large\r\n\r\n" + body + ".");
                assertTrue(queued.startsWith("250"), queued);
            }
        }
        for (int i = 0; i < 3; i++) {
            String address = "mail-" + i + "@" + DOMAIN;
            String messageId = "<large-" + i + "@test>";
            await(address + " has the large message").atMost(SETTLED).until(() ->
                    one.messageIds(address).contains(messageId));
        }
    }

    private void greylistRetryOnAnotherNodePasses() throws IOException {
        String sender = "someone@stranger.test";
        try (SmtpClient smtp = session(one, sender)) {
            assertTrue(smtp.command("RCPT TO:<mail-0@" + DOMAIN + ">").startsWith("451 4.7.1"));
        }
        await("the retry on node two").atMost(SETTLED).pollInterval(Duration.ofMillis(500)).until(() -> {
            try (SmtpClient smtp = session(two, sender)) {
                return smtp.command("RCPT TO:<mail-0@" + DOMAIN + ">").startsWith("250");
            }
        });
    }

    private void responderAnswersASenderOnceAcrossTheCluster() throws IOException {
        String away = "mail-1@" + DOMAIN;
        HttpResponse<String> created = one.post("/api/v1/addresses/" + away + "/responders",
                "{\"name\":\"Away\",\"text\":\"I am away.\"}");
        assertEquals(201, created.statusCode(), created.body());
        String id = new ObjectMapper().readTree(created.body()).get("id").asText();
        assertEquals(200, one.post("/api/v1/addresses/" + away + "/responders/" + id + "/activate", "").statusCode());

        send(two, "mail-2@" + DOMAIN, "mail-1", "<away-1@test>");
        send(three, "mail-2@" + DOMAIN, "mail-1", "<away-2@test>");
        await("both messages in the mailbox").atMost(SETTLED).until(() -> one.messageIds(away).size() == 4);
        await("every queue empty").atMost(SETTLED).until(() -> nodes.stream()
                .allMatch(node -> node.get("/api/v1/queue").get("messages").isEmpty()));
        assertEquals(3, one.messageIds("mail-2@" + DOMAIN).size(), "mail-2 has its two messages and one answer");
    }

    private void startCluster() throws IOException {
        nodes = List.of(one, two, three);
        new TestCluster(nodes).start(workDir, List.of(
                // Greylisting on for loopback clients, but not for the service's own senders.
                "-Dpostillion.greylist.allow-networks.0=192.0.2.0/24",
                "-Dpostillion.greylist.allow-domains.0=" + DOMAIN,
                "-Dpostillion.greylist.delay=1s"));
    }

    private static void createAddress(ChildNode node, String localPart) {
        HttpResponse<String> response = node.post("/api/v1/domains/" + DOMAIN + "/addresses",
                "{\"localPart\":\"" + localPart + "\",\"password\":\"secret-password\"}");
        assertEquals(201, response.statusCode(), response.body());
    }

    private static SmtpClient session(ChildNode node, String sender) throws IOException {
        SmtpClient smtp = new SmtpClient(node.smtpPort());
        assertTrue(smtp.reply().startsWith("220"));
        String ehlo = smtp.command("EHLO client.test");
        assertTrue(ehlo.startsWith("250"), ehlo);
        String mail = smtp.command("MAIL FROM:<" + sender + ">");
        assertTrue(mail.startsWith("250"), mail);
        return smtp;
    }

    private static String reply(ChildNode node, String localPart) throws IOException {
        try (SmtpClient smtp = session(node, "sender@" + DOMAIN)) {
            return smtp.command("RCPT TO:<" + localPart + "@" + DOMAIN + ">");
        }
    }

    private static void assertReply(ChildNode node, String localPart, String expected) throws IOException {
        String reply = reply(node, localPart);
        assertTrue(reply.startsWith(expected), reply);
    }

    private static void send(ChildNode node, String sender, String localPart, String messageId) throws IOException {
        try (SmtpClient smtp = session(node, sender)) {
            String rcpt = smtp.command("RCPT TO:<" + localPart + "@" + DOMAIN + ">");
            assertTrue(rcpt.startsWith("250"), rcpt);
            assertTrue(smtp.command("DATA").startsWith("354"));
            String queued = smtp.command("From: <" + sender + ">\r\nTo: <" + localPart + "@" + DOMAIN
                    + ">\r\nMessage-ID: " + messageId
                    + "\r\nSubject: cluster\r\n\r\nHello.\r\n.");
            assertTrue(queued.startsWith("250"), queued);
        }
    }
}
