package dev.postillion.mta;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover under load (issue 13): clients send to all three nodes of a cluster; one node is killed
 * with SIGKILL mid-load. The two others keep accepting, and within 20 s deliver again to every
 * mailbox, those whose sharded entity lived on the dead node too. The dead node, started again on
 * its data directory, drains its spool (its 250s meant "on this node's disk"), and in the end every
 * message that got a 250 is in its mailbox exactly once.
 */
@Tag("cluster")
class ClusterFailoverTest {

    private static final String DOMAIN = "example.test";
    /** Enough mailboxes that the dead node held some of their entities. */
    private static final List<String> MAILBOXES = IntStream.range(0, 12)
            .mapToObj(i -> "box-" + i + "@" + DOMAIN).toList();
    private static final int SENDERS_PER_NODE = 2;
    private static final int ACKNOWLEDGED_BEFORE_CRASH = 150;
    private static final Duration FAILOVER = Duration.ofSeconds(20);
    private static final Duration DRAINED = Duration.ofSeconds(60);
    private static final String QUEUED = "250 2.0.0 Ok: queued as ";
    /**
     * Faster than the defaults, with which the survivors deliver to the dead node's mailboxes about
     * 20 s after the crash (Pekko's figure for stable-after = 7 s):
     * <ul>
     * <li>The split-brain resolver downs a node stable-after after it is found unreachable (about
     * 4 s), and when that node was the oldest, the shard coordinator starts on the next one
     * stable-after again later (Pekko's down-removal-margin). With 3 s, about 12 s in all.
     * <li>Deliveries sent to the dead node's entities before their shards move are lost. Each holds
     * one of the queue's attempts in flight until the mailbox ask-timeout (10 s): under load they
     * soon hold them all, and no mailbox at all is delivered to meanwhile.
     * </ul>
     * Those deliveries are deferred, and retried when the survivors see the dead node removed
     * (MailboxFailover), with the default backoff in place.
     */
    private static final List<String> FAILOVER_SETTINGS = List.of(
            "-Dpekko.cluster.split-brain-resolver.stable-after=3s",
            "-Dpostillion.mailbox.ask-timeout=5s");

    @TempDir Path workDir;
    @RegisterExtension final ChildNode one = new ChildNode();
    @RegisterExtension final ChildNode two = new ChildNode();
    @RegisterExtension final ChildNode three = new ChildNode();

    /** A message whose DATA got the 250 that promises it is on the disk of the node that took it. */
    private record Acknowledged(String mailbox, String node, String queueId, Instant at) {}

    /** By Message-ID. */
    private final Map<String, Acknowledged> acknowledged = new ConcurrentHashMap<>();
    private final AtomicInteger messages = new AtomicInteger();
    private volatile boolean sending = true;
    private volatile ChildNode dead;

    @Test void survivorsTakeOverTheDeadNodesMailboxesAndItsSpoolDrainsWhenItReturns() throws Exception {
        List<ChildNode> nodes = List.of(one, two, three);
        new TestCluster(nodes).start(workDir, FAILOVER_SETTINGS);
        createMailboxes(two);

        ExecutorService senders = Executors.newFixedThreadPool(nodes.size() * SENDERS_PER_NODE);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (ChildNode node : nodes) {
                for (int sender = 0; sender < SENDERS_PER_NODE; sender++) {
                    String name = "node " + (nodes.indexOf(node) + 1);
                    running.add(senders.submit(() -> sendUntilStopped(node, name)));
                }
            }
            // Every mailbox has had a delivery, so its entity lives on one of the nodes, some on the one killed.
            await("messages acknowledged and every mailbox delivered to").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> acknowledged.size() >= ACKNOWLEDGED_BEFORE_CRASH
                            && MAILBOXES.stream().noneMatch(address -> two.messageIds(address).isEmpty()));
            assertTrue(running.stream().noneMatch(Future::isDone), "a sender stopped before the crash");

            Instant crash = Instant.now();
            dead = one;
            one.kill();
            Map<String, Duration> failover = awaitDeliveriesByTheSurvivors(crash);
            sending = false;
            for (Future<?> sender : running) {
                sender.get(30, TimeUnit.SECONDS); // rethrows what a sender saw that was not the crash
            }
            System.out.println("Failover: time from the kill to the first delivery of mail a survivor took after it,"
                    + " by mailbox: " + failover);
        } finally {
            senders.shutdownNow();
        }
        System.out.println("Failover: acknowledged messages not yet delivered when the dead node returns, by the node"
                + " that took them: " + undelivered().values().stream()
                        .collect(Collectors.groupingBy(Acknowledged::node, TreeMap::new, Collectors.counting())));

        one.restart();
        TestCluster.awaitMembers(nodes);
        await("every acknowledged message delivered").atMost(DRAINED).pollInterval(Duration.ofSeconds(1))
                .until(this::undelivered, Map::isEmpty);
        await("every queue empty").atMost(DRAINED).until(() -> nodes.stream()
                .allMatch(node -> node.get("/api/v1/queue").get("messages").isEmpty()));
        assertDeliveredOnce();
    }

    /**
     * Waits until every mailbox holds a message that a surviving node acknowledged after the crash,
     * and returns how long that took for each: the failover time of the mailboxes whose entity was
     * on the dead node, next to the delivery delay of the others.
     */
    private Map<String, Duration> awaitDeliveriesByTheSurvivors(Instant crash) {
        Map<String, Duration> delivered = new TreeMap<>();
        // Each look reads only what arrived since the last, so that it is quick on a busy node.
        Map<String, Long> lastUid = new HashMap<>();
        await("mail taken by the survivors after the crash in every mailbox")
                .atMost(FAILOVER.minus(Duration.between(crash, Instant.now())))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    for (String address : MAILBOXES) {
                        if (delivered.containsKey(address)) {
                            continue;
                        }
                        List<JsonNode> arrived = two.messages(address, lastUid.getOrDefault(address, 0L));
                        if (arrived.stream().map(message -> acknowledged.get(message.get("messageId").asText()))
                                .anyMatch(message -> message != null && message.at().isAfter(crash))) {
                            delivered.put(address, Duration.between(crash, Instant.now()));
                        } else if (!arrived.isEmpty()) {
                            lastUid.put(address, arrived.get(arrived.size() - 1).get("uid").asLong());
                        }
                    }
                    return delivered.size() == MAILBOXES.size();
                });
        return delivered;
    }

    /**
     * One client sending message after message on one connection, to the mailboxes in turn, until
     * told to stop, or until its node is killed.
     */
    private Void sendUntilStopped(ChildNode node, String name) throws IOException {
        try (SmtpClient smtp = new SmtpClient(node.smtpPort())) {
            expect("220 ", smtp.reply());
            expect("250", smtp.command("EHLO client.test"));
            while (sending) {
                int number = messages.getAndIncrement();
                String mailbox = MAILBOXES.get(number % MAILBOXES.size());
                String messageId = "<" + number + "@client.test>";
                String queueId = sendMessage(smtp, mailbox, messageId);
                acknowledged.put(messageId, new Acknowledged(mailbox, name, queueId, Instant.now()));
            }
            smtp.command("QUIT");
            return null;
        } catch (IOException connectionLost) {
            if (node == dead) {
                return null;
            }
            throw connectionLost;
        }
    }

    /** A whole transaction: the queue id of its 250. */
    private static String sendMessage(SmtpClient smtp, String mailbox, String messageId) throws IOException {
        expect("250 ", smtp.command("MAIL FROM:<sender@client.test>"));
        expect("250 ", smtp.command("RCPT TO:<" + mailbox + ">"));
        expect("354 ", smtp.command("DATA"));
        String queued = smtp.command("Message-ID: " + messageId + "\r\nSubject: failover\r\n\r\nBody of "
                + messageId + "\r\n.");
        expect(QUEUED, queued);
        return queued.substring(QUEUED.length()).trim();
    }

    /** Passes the expected reply; EOF when the node is gone; fails the test on any other reply. */
    private static void expect(String start, String reply) throws EOFException {
        if (reply == null) {
            throw new EOFException("the node closed the connection");
        }
        assertTrue(reply.startsWith(start), "expected " + start + "... but got " + reply);
    }

    /** The acknowledged messages not (yet) in their mailbox, with the node and queue id that took them. */
    private Map<String, Acknowledged> undelivered() {
        Set<String> delivered = MAILBOXES.stream().flatMap(address -> two.messageIds(address).stream())
                .collect(Collectors.toSet());
        return acknowledged.entrySet().stream().filter(message -> !delivered.contains(message.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private void assertDeliveredOnce() {
        Map<String, List<String>> storedIn = new TreeMap<>();
        for (String address : MAILBOXES) {
            two.messageIds(address).forEach(id -> storedIn.computeIfAbsent(id, key -> new ArrayList<>()).add(address));
        }
        Map<String, List<String>> duplicated = storedIn.entrySet().stream()
                .filter(message -> message.getValue().size() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertEquals(Map.of(), duplicated, "messages stored more than once");
        acknowledged.forEach((messageId, message) -> assertEquals(List.of(message.mailbox()),
                storedIn.get(messageId), messageId + " (" + message + ")"));
    }

    private static void createMailboxes(ChildNode node) {
        assertEquals(201, node.post("/api/v1/domains", "{\"name\":\"" + DOMAIN + "\"}").statusCode());
        for (String address : MAILBOXES) {
            assertEquals(201, node.post("/api/v1/domains/" + DOMAIN + "/addresses", "{\"localPart\":\""
                    + address.substring(0, address.indexOf('@')) + "\",\"password\":\"secret-password\"}").statusCode());
        }
    }
}
