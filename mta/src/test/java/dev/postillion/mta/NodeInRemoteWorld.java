package dev.postillion.mta;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test class's node in a {@link RemoteWorld}: the subclass starts the world with {@link
 * #startWorld}, shapes it, then starts the node with {@link #startNode}; both stop after the class.
 */
abstract class NodeInRemoteWorld {

    @TempDir static Path dataDir;
    static RemoteWorld world;
    static TestNode node;
    static QueueApi queue;
    static MailboxReader mailboxes;

    static RemoteWorld startWorld() throws IOException {
        world = RemoteWorld.start();
        return world;
    }

    static void startNode(Map<String, ?> settings) {
        node = world.startNode(dataDir, settings);
        queue = new QueueApi(node);
        mailboxes = new MailboxReader(node);
    }

    /**
     * The sender has no report: none queued, none in the mailbox. Looked at in this order, a
     * report that exists is in one place or the other (see {@link QueueApi#reportsQueuedFor}).
     */
    static void assertNoReportFor(String sender) {
        assertEquals(List.of(), queue.reportsQueuedFor(sender));
        assertEquals(List.of(), mailboxes.messages(sender));
    }

    @AfterAll
    static void stopNodeAndWorld() {
        try {
            if (node != null) {
                node.close();
            }
        } finally {
            world.close();
            node = null;
        }
    }
}
