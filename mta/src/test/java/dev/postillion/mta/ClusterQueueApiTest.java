package dev.postillion.mta;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes, each in a JVM of its own, each with its own spool: the queue API of any node is the
 * whole cluster's queue. Messages wait in the node that took them (their next hop refuses
 * connections); any node lists them all with their node, and holds, releases or deletes one on the
 * node that has it. A node killed with SIGKILL shows in the listing as not answering, and as down
 * once the cluster has removed it, never as an empty queue.
 */
@Tag("cluster")
class ClusterQueueApiTest {

    private static final Duration SETTLED = Duration.ofSeconds(60);

    @TempDir Path workDir;
    @RegisterExtension final ChildNode one = new ChildNode();
    @RegisterExtension final ChildNode two = new ChildNode();
    @RegisterExtension final ChildNode three = new ChildNode();

    private List<ChildNode> nodes;

    @Test
    void anyNodeListsAndChangesTheWholeClustersQueue() throws Exception {
        startCluster();
        List<String> addresses = nodes.stream().map(ClusterQueueApiTest::selfAddress).toList();
        // Each node learns the others' queue services through the receptionist, at its own pace.
        await("every node's queue listed by every node").atMost(SETTLED).until(() ->
                nodes.stream().allMatch(node -> answered(node.get("/api/v1/queue")).size() == 3));
        List<String> ids = new ArrayList<>();
        for (ChildNode node : nodes) {
            ids.add(relay(node));
        }
        await("three deferred messages, as node two lists them").atMost(SETTLED).until(() ->
                located(two.get("/api/v1/queue?state=deferred")).size() == 3);

        assertEquals(List.of(ids.get(0) + " " + addresses.get(0), ids.get(1) + " " + addresses.get(1),
                ids.get(2) + " " + addresses.get(2)), located(one.get("/api/v1/queue")));

        assertEquals(204, one.call("POST", "/api/v1/queue/" + ids.get(2) + "/hold").statusCode());
        JsonNode held = two.get("/api/v1/queue/" + ids.get(2));
        assertEquals("hold", held.get("state").asText());
        assertEquals(addresses.get(2), held.get("node").asText());
        assertEquals(204, two.call("POST", "/api/v1/queue/" + ids.get(2) + "/release").statusCode());
        assertEquals("deferred", three.get("/api/v1/queue/" + ids.get(2)).get("state").asText());

        assertEquals(204, three.call("DELETE", "/api/v1/queue/" + ids.get(1)).statusCode());
        HttpResponse<String> gone = one.call("GET", "/api/v1/queue/" + ids.get(1));
        assertEquals(404, gone.statusCode(), gone.body());
        assertEquals(List.of(ids.get(0) + " " + addresses.get(0), ids.get(2) + " " + addresses.get(2)),
                located(one.get("/api/v1/queue")));

        three.kill();
        JsonNode withoutThree = await("node three missing from node one's listing").atMost(SETTLED)
                .until(() -> one.get("/api/v1/queue"), page -> !answered(page).contains(addresses.get(2)));
        assertEquals(List.of(ids.get(0) + " " + addresses.get(0)), located(withoutThree));
        HttpResponse<String> mayBeThere = one.call("POST", "/api/v1/queue/" + ids.get(2) + "/hold");
        assertEquals(503, mayBeThere.statusCode(), mayBeThere.body());
        assertTrue(mayBeThere.body().contains(addresses.get(2)), mayBeThere.body());

        await("node three removed from the cluster").atMost(SETTLED).until(() ->
                one.get("/api/v1/cluster").get("members").size() == 2);
        assertEquals("down", reason(one.get("/api/v1/queue"), addresses.get(2)));
    }

    private void startCluster() throws IOException {
        nodes = List.of(one, two, three);
        new TestCluster(nodes).start(workDir, List.of(
                // Mail from the test relays to a next hop where nothing listens: it waits in the queue.
                "-Dpostillion.smtp.relay-networks.0=127.0.0.0/8",
                "-Dpostillion.delivery.relay-host=[127.0.0.1]:" + ChildNode.freePort(),
                // A killed node is removed from the cluster after this (postillion's default: 7s).
                "-Dpekko.cluster.split-brain-resolver.stable-after=5s"));
    }

    /** The node's own cluster address, as its {@code GET /api/v1/cluster} shows it. */
    private static String selfAddress(ChildNode node) {
        return StreamSupport.stream(node.get("/api/v1/cluster").get("members").spliterator(), false)
                .filter(member -> member.get("self").asBoolean())
                .map(member -> member.get("address").asText())
                .findFirst().orElseThrow();
    }

    /** Relays one message through the node; its queue id. */
    private static String relay(ChildNode node) throws IOException {
        try (SmtpClient smtp = new SmtpClient(node.smtpPort())) {
            assertTrue(smtp.reply().startsWith("220"));
            assertTrue(smtp.command("EHLO client.test").startsWith("250"));
            assertTrue(smtp.command("MAIL FROM:<sender@sender.test>").startsWith("250"));
            String rcpt = smtp.command("RCPT TO:<someone@far.test>");
            assertTrue(rcpt.startsWith("250"), rcpt);
            assertTrue(smtp.command("DATA").startsWith("354"));
            String queued = smtp.command("From: <sender@sender.test>\r\nTo: <someone@far.test>\r\n"
                    + "Subject: waiting\r\n\r\nHello.\r\n.");
            String prefix = "250 2.0.0 Ok: queued as ";
            assertTrue(queued.startsWith(prefix), queued);
            return queued.substring(prefix.length());
        }
    }

    /** "id node" of each message of a listing page. */
    private static List<String> located(JsonNode page) {
        return StreamSupport.stream(page.get("messages").spliterator(), false)
                .map(message -> message.get("id").asText() + " " + message.get("node").asText()).toList();
    }

    /** The nodes that answered for a listing page. */
    private static List<String> answered(JsonNode page) {
        return StreamSupport.stream(page.get("nodes").spliterator(), false)
                .filter(node -> node.get("answered").asBoolean())
                .map(node -> node.get("node").asText()).toList();
    }

    private static String reason(JsonNode page, String node) {
        return StreamSupport.stream(page.get("nodes").spliterator(), false)
                .filter(entry -> entry.get("node").asText().equals(node))
                .map(entry -> entry.get("reason").asText()).findFirst().orElse("not listed");
    }
}
