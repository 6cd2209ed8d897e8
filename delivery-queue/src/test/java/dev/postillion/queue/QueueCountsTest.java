package dev.postillion.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.postillion.core.QueueId;
import dev.postillion.core.Store;
import dev.postillion.core.Store.Durability;
import dev.postillion.core.TestStores;
import dev.postillion.queue.QueueCounts.State;
import dev.postillion.queue.SpoolStore.QueuedMessage;
import dev.postillion.queue.proto.MessageState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queue's counts by state, kept by the changes committed, agree after every change with what
 * counting the spool again finds, over generated runs of accepts, attempts, holds, releases and
 * removals, and with a plain model of the same run.
 */
class QueueCountsTest {

    @TempDir Path directory;

    @Test
    void countsKeptByTheChangesAgreeWithACountOfTheSpoolAndWithAModel() {
        try (Store store = TestStores.open(directory, SpoolFamilies.ALL)) {
            SpoolStore spool = new SpoolStore(store, TestStores.SPOOL_KEY);
            join(spool.countMessages());
            Random random = new Random(16);
            List<QueueId> ids = new ArrayList<>();
            Map<State, Long> model = new EnumMap<>(State.class);
            for (int step = 0; step < 400; step++) {
                if (ids.isEmpty() || random.nextInt(4) == 0) {
                    QueueId id = new QueueId(1, step);
                    join(spool.accept(id, TestEnvelopes.from("bob@sender.example", "anna@example.com"),
                            TestEnvelopes.CONTENT));
                    ids.add(id);
                    model.merge(State.ACTIVE, 1L, Long::sum);
                } else {
                    QueueId id = ids.get(random.nextInt(ids.size()));
                    QueuedMessage message = join(spool.message(id));
                    State before = QueueCounts.State.of(message.state());
                    SpoolStore.Change change = spool.change();
                    State after = switch (random.nextInt(4)) {
                        case 0 -> {
                            change.remove(message);
                            ids.remove(id);
                            yield null;
                        }
                        case 1 -> moved(change, message, message.state().toBuilder().setHeld(true).build());
                        case 2 -> moved(change, message, message.state().toBuilder().setHeld(false).build());
                        default -> moved(change, message, message.state().toBuilder()
                                .setAttempts(message.state().getAttempts() + 1).build());
                    };
                    join(spool.commit(change, Durability.BUFFERED));
                    model.merge(before, -1L, Long::sum);
                    if (after != null) {
                        model.merge(after, 1L, Long::sum);
                    }
                }
                SpoolStore recount = new SpoolStore(store, TestStores.SPOOL_KEY);
                join(recount.countMessages());
                for (State state : State.values()) {
                    assertEquals(model.getOrDefault(state, 0L), spool.counts().count(state), "step " + step + ", " + state);
                    assertEquals(recount.counts().count(state), spool.counts().count(state), "step " + step + ", " + state);
                }
            }
        }
    }

    private static State moved(SpoolStore.Change change, QueuedMessage message, MessageState state) {
        change.state(message, state);
        return State.of(state);
    }

    private static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }
}
