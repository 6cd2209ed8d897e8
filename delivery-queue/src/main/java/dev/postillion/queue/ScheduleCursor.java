package dev.postillion.queue;

import dev.postillion.queue.SpoolStore.Due;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The queue manager's place in the schedule index: the last entry handed out, so that entries
 * already taken are not read again (ARCHITECTURE rule 5). An entry written behind it (a message
 * committed late, a retry requested now) moves it back to that entry, also while a read of the
 * schedule is under way, whose result would otherwise move it past. One read at a time; used on
 * the queue manager's thread only.
 */
final class ScheduleCursor {

    /** Null: the start of the index. */
    private Due entry;
    /** Whether {@code entry} itself is read again. */
    private boolean inclusive = true;
    private boolean reading;
    /** The earliest entry written behind the cursor while the schedule was being read. */
    private Due rewound;

    /** Reads up to {@code limit} entries due at {@code now} from here. */
    CompletionStage<List<Due>> read(SpoolStore spool, long now, int limit) {
        reading = true;
        return spool.due(entry, inclusive, now, limit);
    }

    boolean reading() {
        return reading;
    }

    /** The entry was handed out or passed over: the next read starts after it. */
    void passed(Due due) {
        entry = due;
        inclusive = false;
    }

    /** The entry stays due: the next read starts at it. */
    void stopAt(Due due) {
        entry = due;
        inclusive = true;
    }

    /** An entry was written: the cursor must not have passed it, nor pass it with the read under way. */
    void written(Due due) {
        if (entry != null && SpoolStore.compare(due, entry) <= 0) {
            stopAt(due);
        }
        if (reading && (rewound == null || SpoolStore.compare(due, rewound) < 0)) {
            rewound = due;
        }
    }

    /**
     * The read is over and its entries handed out: the earliest entry written meanwhile, if any,
     * which the caller writes again ({@link #written}), as its place may now be behind the cursor.
     */
    Due readDone() {
        reading = false;
        Due written = rewound;
        rewound = null;
        return written;
    }
}
