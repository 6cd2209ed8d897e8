package dev.postillion.queue;

import dev.postillion.queue.RecipientOutcome.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The queue's delivery series: each recipient's outcome, as the queue log writes it, by transport
 * ({@code mailbox} for this cluster's mailboxes, {@code smtp} for everything else) and status
 * ({@code sent}, {@code deferred}, {@code bounced}, and {@code expired} for a recipient returned
 * because its queue lifetime ran out); and the time from a message's arrival to a recipient's
 * final outcome. Every series exists from the start, at 0.
 */
public final class DeliveryMetrics {

    private static final List<String> TRANSPORTS = List.of("mailbox", "smtp");
    private static final List<String> STATUSES = List.of("sent", "deferred", "bounced", "expired");
    /** From a local delivery's fraction of a second to the default queue lifetime of five days. */
    private static final Duration[] DELAY_BUCKETS = {Duration.ofMillis(100), Duration.ofSeconds(1),
            Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(30),
            Duration.ofHours(1), Duration.ofHours(4), Duration.ofDays(1), Duration.ofDays(5)};

    private final Map<String, Counter> deliveries = new HashMap<>();
    private final Timer delay;

    public DeliveryMetrics(MeterRegistry registry) {
        for (String transport : TRANSPORTS) {
            for (String status : STATUSES) {
                deliveries.put(transport + status, Counter.builder("postillion.deliveries")
                        .description("Recipients' delivery outcomes").tag("transport", transport).tag("status", status)
                        .register(registry));
            }
        }
        delay = Timer.builder("postillion.delivery")
                .description("Time from a message's arrival to a recipient's final outcome")
                .serviceLevelObjectives(DELAY_BUCKETS).register(registry);
    }

    /** One recipient's outcome, {@code sinceArrival} after its message arrived. */
    void settled(RecipientOutcome outcome, boolean expired, Duration sinceArrival) {
        String transport = outcome.relay().equals(RecipientOutcome.LOCAL_RELAY) ? "mailbox" : "smtp";
        String status = expired ? "expired" : outcome.status().logName();
        deliveries.get(transport + status).increment();
        if (outcome.status() != Status.DEFERRED) {
            delay.record(sinceArrival.isNegative() ? Duration.ZERO : sinceArrival);
        }
    }
}
