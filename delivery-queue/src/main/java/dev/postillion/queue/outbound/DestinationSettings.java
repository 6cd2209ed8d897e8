package dev.postillion.queue.outbound;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code postillion.delivery.destination}: how many deliveries run at once to one next hop, how far
 * apart they start, when a next hop that keeps failing is suspended and for how long, and how long
 * an idle destination queue lives; documented in delivery-queue's reference.conf.
 *
 * @param rateDelay the pause after each delivery to a next hop before its next one; zero is none
 *
 * @param failedCohortLimit failed attempts in a row at a window of one after which the next hop is
 *     suspended; 0 never suspends
 */
public record DestinationSettings(int initialConcurrency, int concurrencyLimit, Duration rateDelay,
        int failedCohortLimit, Duration deadDestinationBackoff, Duration idleTimeout) {

    public DestinationSettings {
        if (initialConcurrency < 1 || concurrencyLimit < initialConcurrency) {
            throw new IllegalArgumentException(
                    "need 1 <= initial-destination-concurrency <= destination-concurrency-limit");
        }
        if (rateDelay.isNegative() || failedCohortLimit < 0 || deadDestinationBackoff.isNegative()) {
            throw new IllegalArgumentException("destination-rate-delay, destination-concurrency-failed-cohort-limit"
                    + " and dead-destination-backoff must not be negative");
        }
    }

    /** @param destination the {@code postillion.delivery.destination} block */
    public static DestinationSettings from(Config destination) {
        return new DestinationSettings(
                destination.getInt("initial-destination-concurrency"),
                destination.getInt("destination-concurrency-limit"),
                destination.getDuration("destination-rate-delay"),
                destination.getInt("destination-concurrency-failed-cohort-limit"),
                destination.getDuration("dead-destination-backoff"),
                destination.getDuration("idle-timeout"));
    }
}
