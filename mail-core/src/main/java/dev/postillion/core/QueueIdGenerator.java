package dev.postillion.core;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands out {@link QueueId}s: microseconds since the epoch, bumped to stay strictly increasing
 * within this process, tagged with a random per-start value.
 */
public final class QueueIdGenerator {

    private final Clock clock;
    private final int nodeTag = new SecureRandom().nextInt();
    private final AtomicLong last = new AtomicLong();

    public QueueIdGenerator(Clock clock) {
        this.clock = clock;
    }

    public QueueId next() {
        long micros = clock.millis() * 1000;
        long sequence = last.updateAndGet(previous -> Math.max(previous + 1, micros));
        return new QueueId(sequence, nodeTag);
    }
}
