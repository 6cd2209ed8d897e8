package dev.postillion.queue;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * When deferred mail is tried again, warned about and given up on (SPEC §6; Postfix's
 * minimal_backoff_time, maximal_backoff_time, delay_warning_time and maximal_queue_lifetime).
 *
 * @param firstRetry the delay before the first retry; each later one doubles it
 * @param firstLocalRetry the same for a message whose deferred recipients all wait on this
 *     cluster's mailboxes or directory: those wait on our own parts (a mailbox whose node is failing
 *     over, the shared store), not on a remote server's patience, so they are tried again sooner
 * @param maxRetry the longest delay between two attempts
 * @param delayWarning age of a message at which its sender is told it is still undelivered
 * @param maxLifetime age at which a message still deferred is returned to its sender
 */
public record DeliverySchedule(Duration firstRetry, Duration firstLocalRetry, Duration maxRetry, Duration delayWarning, Duration maxLifetime) {

    /** From {@code postillion.delivery}. */
    public static DeliverySchedule from(Config delivery) {
        return new DeliverySchedule(delivery.getDuration("retry.first"), delivery.getDuration("retry.local-first"),
                delivery.getDuration("retry.max"),
                delivery.getDuration("delay-warning"), delivery.getDuration("max-queue-lifetime"));
    }

    /**
     * The next attempt after {@code attempts} attempts ending at {@code now}: the backoff, but no
     * later than the delay warning (when it has not gone out yet) or the end of the lifetime, so
     * that both happen on time rather than up to {@code maxRetry} late.
     *
     * @param local whether the recipients deferred all wait on this cluster's mailboxes
     */
    public long nextAttempt(long arrival, int attempts, long now, boolean warned, boolean local) {
        Duration first = local ? firstLocalRetry : firstRetry;
        Duration backoff = first.multipliedBy(1L << Math.min(Math.max(attempts, 1) - 1, 20));
        long next = now + Math.min(backoff.toMillis(), maxRetry.toMillis());
        if (!warned && now < arrival + delayWarning.toMillis()) {
            next = Math.min(next, arrival + delayWarning.toMillis());
        }
        if (now < arrival + maxLifetime.toMillis()) {
            next = Math.min(next, arrival + maxLifetime.toMillis());
        }
        return Math.max(next, now + 1);
    }

    public boolean delayWarningDue(long arrival, long now) {
        return now >= arrival + delayWarning.toMillis();
    }

    public boolean expired(long arrival, long now) {
        return now >= arrival + maxLifetime.toMillis();
    }
}
