package dev.postillion.queue.outbound;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code postillion.delivery.destination}: how many deliveries run at once to one next hop, and
 * how long an idle destination queue lives; documented in delivery-queue's reference.conf.
 */
public record DestinationSettings(int initialConcurrency, int concurrencyLimit, Duration idleTimeout) {

    public DestinationSettings {
        if (initialConcurrency < 1 || concurrencyLimit < initialConcurrency) {
            throw new IllegalArgumentException(
                    "need 1 <= initial-destination-concurrency <= destination-concurrency-limit");
        }
    }

    /** @param destination the {@code postillion.delivery.destination} block */
    public static DestinationSettings from(Config destination) {
        return new DestinationSettings(
                destination.getInt("initial-destination-concurrency"),
                destination.getInt("destination-concurrency-limit"),
                destination.getDuration("idle-timeout"));
    }
}
