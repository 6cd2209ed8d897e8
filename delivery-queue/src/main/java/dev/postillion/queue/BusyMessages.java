package dev.postillion.queue;

import dev.postillion.core.QueueId;
import dev.postillion.queue.QueueManager.Operate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The messages whose records the queue manager is reading or writing, each with the operators'
 * commands that wait for it: a busy message is not handed out, and a command for it acts on the
 * state the read or the write leaves rather than on one about to change. Used on the queue
 * manager's thread only.
 */
final class BusyMessages {

    /** The commands waiting for each busy message, in the order they came. */
    private final Map<QueueId, List<Operate>> waiting = new HashMap<>();

    boolean contains(QueueId id) {
        return waiting.containsKey(id);
    }

    /** The message is busy from now on; one that already is keeps the commands waiting for it. */
    void add(QueueId id) {
        waiting.putIfAbsent(id, new ArrayList<>());
    }

    /** Whether the message is busy; if it is, {@code operate} waits for it. */
    boolean await(Operate operate) {
        List<Operate> commands = waiting.get(operate.id());
        if (commands == null) {
            return false;
        }
        commands.add(operate);
        return true;
    }

    /** The message is no longer busy: the commands that waited for it, to be done now in their order. */
    List<Operate> remove(QueueId id) {
        List<Operate> commands = waiting.remove(id);
        return commands == null ? List.of() : commands;
    }

    boolean isEmpty() {
        return waiting.isEmpty();
    }
}
