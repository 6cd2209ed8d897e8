package dev.postillion.core.store;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * A store's group commits as series, labelled {@code backend} (rocksdb, postgresql): how long
 * each write took, and how many durable batches one fsync (or one PostgreSQL transaction) made
 * durable, which is the group commit made visible: under load it rises well above 1.
 */
final class CommitMetrics {

    private final Timer commits;
    private final DistributionSummary batches;

    CommitMetrics(MeterRegistry registry, String backend) {
        commits = Timer.builder("postillion.store.commit").description("Time a store write of a group of batches took")
                .tag("backend", backend)
                .serviceLevelObjectives(Duration.ofNanos(100_000), Duration.ofMillis(1), Duration.ofMillis(2),
                        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
                        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofSeconds(1))
                .register(registry);
        batches = DistributionSummary.builder("postillion.store.commit.batch")
                .description("Durable batches (a message accepted is one) made durable by one fsync or transaction")
                .tag("backend", backend).serviceLevelObjectives(1, 2, 5, 10, 25, 50, 100, 250, 1000)
                .register(registry);
    }

    /** A group was written in {@code took}; {@code durable} of its batches asked for durability. */
    void committed(Duration took, long durable) {
        commits.record(took);
        if (durable > 0) {
            batches.record(durable);
        }
    }
}
