package dev.postillion.queue.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.postillion.core.EmailAddress;
import dev.postillion.core.Envelope;
import dev.postillion.core.QueueId;
import dev.postillion.core.Store;
import dev.postillion.core.TestStores;
import dev.postillion.queue.QueueAdmin;
import dev.postillion.queue.QueueManager;
import dev.postillion.queue.QueueManager.Operation;
import dev.postillion.queue.QueueManager.OperationResult;
import dev.postillion.queue.SpoolFamilies;
import dev.postillion.queue.cluster.ClusterQueue.Located;
import dev.postillion.queue.cluster.NodeAnswer.Participation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes in one JVM, a cluster over loopback, each with a spool of its own: either node's
 * {@link ClusterQueue} is the whole cluster's queue, its requests and answers crossing between the
 * nodes as Protobuf. The spools are real; each node's queue manager is scripted, as the operations
 * are the queue manager's own concern (QueueManagerTest) and this one is about where they go.
 */
class ClusterQueueTest {

    /** Members of the cluster the nodes are told of beside the ones whose service they see. */
    private static final AtomicReference<Set<String>> MEMBERS_WITHOUT_A_SERVICE = new AtomicReference<>(Set.of());


    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final QueueAdmin.Filter ANY = new QueueAdmin.Filter(Optional.empty(), Optional.empty(),
            Optional.empty());

    @TempDir static Path directory;
    private static Node one;
    private static Node two;

    /** A node: its actor system, spool, scripted queue manager and view of the cluster's queue. */
    private record Node(ActorTestKit testKit, Store store, UnsteadySpool spool, Queue<String> operations,
            ClusterQueue queue) {

        static Node start(Path directory) {
            // One name for both: a cluster's nodes are actor systems of the same name.
            ActorTestKit testKit = ActorTestKit.create("postillion", ConfigFactory.parseString("""
                    pekko.loglevel = WARNING
                    pekko.actor.provider = cluster
                    pekko.remote.artery.canonical.hostname = 127.0.0.1
                    pekko.remote.artery.canonical.port = 0
                    """).withFallback(ConfigFactory.load()));
            Store store = TestStores.open(directory, SpoolFamilies.ALL);
            UnsteadySpool spool = new UnsteadySpool(store);
            Queue<String> operations = new ConcurrentLinkedQueue<>();
            var manager = testKit.spawn(scriptedManager(spool, operations));
            ClusterQueue queue = ClusterQueue.start(testKit.system(),
                    new QueueAdmin(spool, manager, testKit.scheduler(), TIMEOUT), address(testKit), TIMEOUT,
                    MEMBERS_WITHOUT_A_SERVICE::get);
            return new Node(testKit, store, spool, operations, queue);
        }

        String address() {
            return address(testKit);
        }

        static String address(ActorTestKit testKit) {
            return Cluster.get(testKit.system()).selfMember().address().toString();
        }

        void stop() {
            testKit.shutdownTestKit();
            store.close();
        }
    }

    @BeforeAll
    static void startTwoNodes() {
        one = Node.start(directory.resolve("one"));
        two = Node.start(directory.resolve("two"));
        Cluster.get(one.testKit().system()).manager().tell(Join.create(
                Cluster.get(one.testKit().system()).selfMember().address()));
        Cluster.get(two.testKit().system()).manager().tell(Join.create(
                Cluster.get(one.testKit().system()).selfMember().address()));
        // Arrival order across the nodes: 100 and 300 on one, 200 and 400 on two.
        accept(one, 100, "a@one.test");
        accept(two, 200, "b@two.test");
        accept(one, 300, "c@one.test");
        accept(two, 400, "d@two.test");
        for (Node node : List.of(one, two)) {
            await("both queues known to " + node.address()).atMost(Duration.ofSeconds(30))
                    .until(() -> list(node, Optional.empty(), 10).nodes().stream().filter(NodeAnswer::answered)
                            .count() == 2);
        }
    }

    @AfterAll
    static void stopNodes() {
        two.stop();
        one.stop();
    }

    @AfterEach
    void steady() {
        one.spool().behave(UnsteadySpool.Behaviour.ANSWERS);
        two.spool().behave(UnsteadySpool.Behaviour.ANSWERS);
        one.operations().clear();
        two.operations().clear();
    }

    @Test
    void eitherNodeListsTheWholeQueueInArrivalOrderEachMessageWithItsNode() {
        List<String> expected = List.of("100@" + one.address(), "200@" + two.address(), "300@" + one.address(),
                "400@" + two.address());
        for (Node node : List.of(one, two)) {
            ClusterQueue.Page page = list(node, Optional.empty(), 10);
            assertEquals(expected, located(page.messages()));
            assertEquals(Optional.empty(), page.next());
            assertEquals(inNodeOrder(answered(one), answered(two)), page.nodes());
        }
    }

    @Test
    void pagesContinueAcrossTheNodes() {
        ClusterQueue.Page first = list(one, Optional.empty(), 3);
        assertEquals(List.of("100@" + one.address(), "200@" + two.address(), "300@" + one.address()),
                located(first.messages()));
        assertEquals(Optional.of(id(300)), first.next());
        ClusterQueue.Page second = list(one, first.next(), 3);
        assertEquals(List.of("400@" + two.address()), located(second.messages()));
        assertEquals(Optional.empty(), second.next());
    }

    @Test
    void anOperationIsDoneByTheNodeThatHasTheMessage() {
        ClusterQueue.Outcome held = one.queue().operate(id(200), Operation.HOLD).toCompletableFuture().join();
        assertEquals(OperationResult.DONE, held.result());
        assertEquals(List.of("HOLD " + id(200)), List.copyOf(two.operations()));

        ClusterQueue.Outcome unknown = two.queue().operate(id(999), Operation.DELETE).toCompletableFuture().join();
        assertEquals(OperationResult.NOT_FOUND, unknown.result());
        assertEquals(List.of(), unknown.silent(), "every node answered: the message is nowhere");

        ClusterQueue.Lookup shown = one.queue().message(id(400)).toCompletableFuture().join();
        assertEquals(List.of("400@" + two.address()), located(shown.message().stream().toList()));
        assertTrue(shown.size() > 0);
    }

    @Test
    void aFlushRetriesOnEveryNode() {
        ClusterQueue.Flushed flushed = two.queue().flush(Optional.empty()).toCompletableFuture().join();
        assertEquals(4, flushed.retried());
        assertEquals(inNodeOrder(answered(one), answered(two)), flushed.nodes());
    }

    @Test
    void aNodeThatDoesNotAnswerShowsAsSuchNotAsAnEmptyQueue() {
        two.spool().behave(UnsteadySpool.Behaviour.SILENT);
        ClusterQueue.Page page = list(one, Optional.empty(), 10);
        assertEquals(List.of("100@" + one.address(), "300@" + one.address()), located(page.messages()));
        assertEquals(inNodeOrder(answered(one), new NodeAnswer(two.address(), Participation.TIMEOUT)), page.nodes());

        ClusterQueue.Lookup lookup = one.queue().message(id(200)).toCompletableFuture().join();
        assertEquals(Optional.empty(), lookup.message());
        assertEquals(List.of(new NodeAnswer(two.address(), Participation.TIMEOUT)), lookup.silent());
    }

    /** A member whose queue service the receptionist has not shown here yet is reported, not left out. */
    @Test
    void aMemberWhoseQueueIsNotKnownHereYetShowsAsSuch() {
        String starting = "pekko://postillion@127.0.0.1:1";
        MEMBERS_WITHOUT_A_SERVICE.set(Set.of(starting));
        try {
            ClusterQueue.Outcome unknown = two.queue().operate(id(999), Operation.DELETE).toCompletableFuture().join();
            assertEquals(OperationResult.NOT_FOUND, unknown.result());
            assertEquals(List.of(new NodeAnswer(starting, Participation.UNLISTED)), unknown.silent(),
                    "the message may be on that node: no 404 without its answer");
        } finally {
            MEMBERS_WITHOUT_A_SERVICE.set(Set.of());
        }
    }

    @Test
    void aNodeWhoseSpoolFailsSaysSo() {
        two.spool().behave(UnsteadySpool.Behaviour.FAILS);
        ClusterQueue.Page page = list(one, Optional.empty(), 10);
        assertEquals(List.of("100@" + one.address(), "300@" + one.address()), located(page.messages()));
        assertEquals(List.of(new NodeAnswer(two.address(), Participation.FAILED)), page.silent());
    }

    private static ClusterQueue.Page list(Node node, Optional<QueueId> after, int limit) {
        return node.queue().list(ANY, after, limit).toCompletableFuture().join();
    }

    /** "sequence@node" of each message, in the order given. */
    private static List<String> located(List<Located> messages) {
        return messages.stream().map(located -> located.message().id().sequence() + "@" + located.node()).toList();
    }

    private static NodeAnswer answered(Node node) {
        return new NodeAnswer(node.address(), Participation.ANSWERED);
    }

    /** Answers come in the order of the nodes' addresses, which have ports picked at random. */
    private static List<NodeAnswer> inNodeOrder(NodeAnswer... answers) {
        return Arrays.stream(answers).sorted(Comparator.comparing(NodeAnswer::node)).toList();
    }

    private static QueueId id(long sequence) {
        return new QueueId(sequence, (int) sequence % 7);
    }

    private static void accept(Node node, long sequence, String sender) {
        Envelope envelope = new Envelope(Optional.of(EmailAddress.parse(sender, false)), Map.of(),
                List.of(new Envelope.Recipient(EmailAddress.parse("rcpt@remote.test", false), Map.of())),
                "client.example.org", "192.0.2.7", Instant.parse("2026-01-01T00:00:00Z"), false);
        node.spool().accept(id(sequence), envelope, "Subject: test\r\n\r\nHello\r\n".getBytes(StandardCharsets.UTF_8))
                .toCompletableFuture().join();
    }

    /**
     * The queue manager's side of operations, scripted: DONE for a message in the node's spool,
     * NOT_FOUND for any other, each operation noted; a flush retries what it is given.
     */
    private static Behavior<QueueManager.Command> scriptedManager(UnsteadySpool spool, Queue<String> operations) {
        return Behaviors.receive(QueueManager.Command.class)
                .onMessage(QueueManager.Operate.class, operate -> {
                    spool.message(operate.id()).thenAccept(message -> {
                        if (message != null) {
                            operations.add(operate.operation() + " " + operate.id());
                        }
                        operate.replyTo().tell(message != null ? OperationResult.DONE : OperationResult.NOT_FOUND);
                    });
                    return Behaviors.same();
                })
                .onMessage(QueueManager.RetryNow.class, retry -> {
                    retry.replyTo().tell(retry.ids().size());
                    return Behaviors.same();
                })
                .build();
    }
}
