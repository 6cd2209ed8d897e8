package dev.postillion.queue;

import dev.postillion.queue.proto.MessageState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How many messages the spool holds in each state, kept as the queue changes instead of counted
 * when asked: the spool is counted once when the node starts, before anything is written to it,
 * and from then on every committed change moves the counts ({@link SpoolStore.Change}). Served as
 * {@code postillion_queue_messages{state}}.
 */
public final class QueueCounts {

    /** A message's state as the counts see it, as Postfix's mailq groups them. */
    public enum State {
        /** Not attempted yet, or being attempted for the first time. */
        ACTIVE,
        /** Attempted, and waiting for its next attempt. */
        DEFERRED,
        /** Put on hold by the operator: not attempted until released. */
        HOLD;

        static State of(MessageState state) {
            return state.getHeld() ? HOLD : state.getAttempts() > 0 ? DEFERRED : ACTIVE;
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final AtomicLongArray counts = new AtomicLongArray(State.values().length);

    /** Messages in {@code state} now. */
    public long count(State state) {
        return counts.get(state.ordinal());
    }

    /** The counts as gauges labelled {@code state}. */
    public void register(MeterRegistry registry) {
        for (State state : State.values()) {
            Gauge.builder("postillion.queue.messages", this, counts -> counts.count(state))
                    .description("Messages in the spool by state").tag("state", state.label()).register(registry);
        }
    }

    /** Adds what a committed change, or the count at start, found: one delta per state. */
    void add(long[] deltas) {
        for (int i = 0; i < deltas.length; i++) {
            if (deltas[i] != 0) {
                counts.addAndGet(i, deltas[i]);
            }
        }
    }
}
