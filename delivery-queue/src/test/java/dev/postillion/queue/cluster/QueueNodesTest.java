package dev.postillion.queue.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * What the receptionist's listings of the nodes' queue services mean: a node the failure detector
 * does not hear is unreachable; one removed from the cluster while unreachable is down (its spool
 * waits on its disk) until a node at its address serves again; one that left while reachable is
 * forgotten.
 */
class QueueNodesTest {

    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final ActorRef<QueueAdminService.Command> A = testKit.<QueueAdminService.Command>createTestProbe()
            .ref();
    private static final ActorRef<QueueAdminService.Command> B = testKit.<QueueAdminService.Command>createTestProbe()
            .ref();

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    @Test
    void aNodeRemovedWhileUnreachableIsDownUntilItServesAgain() {
        QueueNodes.Snapshot both = QueueNodes.next(QueueNodes.Snapshot.NONE, Map.of("a", A, "b", B), Set.of("a", "b"));
        QueueNodes.Snapshot cutOff = QueueNodes.next(both, Map.of("a", A), Set.of("a", "b"));
        assertEquals(Set.of("b"), cutOff.unreachable());
        assertEquals(Set.of(), cutOff.down());

        QueueNodes.Snapshot removed = QueueNodes.next(cutOff, Map.of("a", A), Set.of("a"));
        assertEquals(Set.of(), removed.unreachable());
        assertEquals(Set.of("b"), removed.down());
        assertEquals(Set.of("b"), QueueNodes.next(removed, Map.of("a", A), Set.of("a")).down(), "remembered");

        QueueNodes.Snapshot back = QueueNodes.next(removed, Map.of("a", A, "b", B), Set.of("a", "b"));
        assertEquals(Map.of("a", A, "b", B), back.reachable());
        assertEquals(Set.of(), back.down());
    }

    @Test
    void aNodeThatLeftWhileReachableIsForgotten() {
        QueueNodes.Snapshot both = QueueNodes.next(QueueNodes.Snapshot.NONE, Map.of("a", A, "b", B), Set.of("a", "b"));
        QueueNodes.Snapshot left = QueueNodes.next(both, Map.of("a", A), Set.of("a"));
        assertEquals(new QueueNodes.Snapshot(Map.of("a", A), Set.of(), Set.of()), left);
    }
}
