package dev.postillion.queue.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.QueueId;
import dev.postillion.queue.QueueAdmin;
import dev.postillion.queue.QueueEntry;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * How the nodes' pages of a listing make the cluster's page: in queue id order, at most the limit,
 * and never past a point some node has not listed up to, so that the next page misses nothing.
 */
class ClusterPageTest {

    @Test
    void pagesInterleaveInQueueIdOrderAndTheLimitCutsThem() {
        Map<String, QueueAdmin.Page> pages = new LinkedHashMap<>();
        pages.put("a", page(Optional.empty(), 1, 4, 5));
        pages.put("b", page(Optional.empty(), 2, 3));

        ClusterQueue.Page merged = ClusterQueue.merge(pages, 3, List.of());
        assertEquals(List.of("1a", "2b", "3b"), located(merged));
        assertEquals(Optional.of(id(3)), merged.next());

        ClusterQueue.Page all = ClusterQueue.merge(pages, 5, List.of());
        assertEquals(List.of("1a", "2b", "3b", "4a", "5a"), located(all));
        assertEquals(Optional.empty(), all.next());
    }

    /** Node a has more after 2 (its page was full), so 6 of node b must wait for the next page. */
    @Test
    void aPageEndsWhereANodeHasMoreToList() {
        Map<String, QueueAdmin.Page> pages = new LinkedHashMap<>();
        pages.put("a", page(Optional.of(id(2)), 1, 2));
        pages.put("b", page(Optional.empty(), 6));

        ClusterQueue.Page merged = ClusterQueue.merge(pages, 2, List.of());
        assertEquals(List.of("1a", "2a"), located(merged));
        assertEquals(Optional.of(id(2)), merged.next());
    }

    /** A node that stopped reading at its scan limit (at 9) without a match bounds the page the same way. */
    @Test
    void aNodeThatStoppedEarlyBoundsThePageToo() {
        Map<String, QueueAdmin.Page> pages = new LinkedHashMap<>();
        pages.put("a", page(Optional.of(id(9))));
        pages.put("b", page(Optional.empty(), 3, 12));

        ClusterQueue.Page merged = ClusterQueue.merge(pages, 10, List.of());
        assertEquals(List.of("3b"), located(merged));
        assertEquals(Optional.of(id(9)), merged.next());
    }

    @Test
    void oneNodesPageIsTheClustersPage() {
        QueueAdmin.Page full = page(Optional.of(id(2)), 1, 2);
        ClusterQueue.Page merged = ClusterQueue.merge(Map.of("a", full), 2, List.of());
        assertEquals(List.of("1a", "2a"), located(merged));
        assertEquals(full.next(), merged.next());
    }

    private static QueueAdmin.Page page(Optional<QueueId> next, long... sequences) {
        return new QueueAdmin.Page(Arrays.stream(sequences).mapToObj(ClusterPageTest::entry).toList(), next);
    }

    private static QueueEntry entry(long sequence) {
        return new QueueEntry(id(sequence), QueueAdmin.State.DEFERRED,
                Optional.of(EmailAddress.parse("a@example.test", false)), Instant.EPOCH, 1,
                Optional.of(Instant.EPOCH), false, List.of(), OptionalLong.of(100));
    }

    private static QueueId id(long sequence) {
        return new QueueId(sequence, 0);
    }

    private static List<String> located(ClusterQueue.Page page) {
        return page.messages().stream().map(m -> m.message().id().sequence() + m.node()).toList();
    }
}
