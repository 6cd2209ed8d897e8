package dev.postillion.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeliveryScheduleTest {

    private static final DeliverySchedule SCHEDULE = new DeliverySchedule(Duration.ofMinutes(5),
            Duration.ofSeconds(10), Duration.ofHours(1), Duration.ofHours(4), Duration.ofDays(3));
    private static final long ARRIVAL = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    @Test
    void backoffDoublesIsCappedAndBringsTheWarningAndTheExpiryOnTime() {
        assertEquals(ARRIVAL + minutes(5), SCHEDULE.nextAttempt(ARRIVAL, 1, ARRIVAL, false, false));
        assertEquals(ARRIVAL + minutes(20), SCHEDULE.nextAttempt(ARRIVAL, 3, ARRIVAL, false, false));
        assertEquals(ARRIVAL + minutes(60), SCHEDULE.nextAttempt(ARRIVAL, 30, ARRIVAL, false, false));
        long beforeWarning = ARRIVAL + minutes(230);
        assertEquals(ARRIVAL + minutes(240), SCHEDULE.nextAttempt(ARRIVAL, 30, beforeWarning, false, false));
        assertEquals(beforeWarning + minutes(60), SCHEDULE.nextAttempt(ARRIVAL, 30, beforeWarning, true, false));
        long beforeExpiry = ARRIVAL + Duration.ofDays(3).toMillis() - minutes(10);
        assertEquals(ARRIVAL + Duration.ofDays(3).toMillis(), SCHEDULE.nextAttempt(ARRIVAL, 30, beforeExpiry, true, false));
    }

    /** Waiting on our own mailboxes: from 10 seconds, doubling and capped alike. */
    @Test
    void deliveriesOurMailboxesDeferredStartFromTheLocalFirstRetry() {
        assertEquals(ARRIVAL + 10_000, SCHEDULE.nextAttempt(ARRIVAL, 1, ARRIVAL, false, true));
        assertEquals(ARRIVAL + 40_000, SCHEDULE.nextAttempt(ARRIVAL, 3, ARRIVAL, false, true));
        assertEquals(ARRIVAL + minutes(60), SCHEDULE.nextAttempt(ARRIVAL, 30, ARRIVAL, false, true));
    }

    private static long minutes(long count) {
        return Duration.ofMinutes(count).toMillis();
    }
}
