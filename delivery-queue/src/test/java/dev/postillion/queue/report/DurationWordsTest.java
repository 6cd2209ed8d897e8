package dev.postillion.queue.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationWordsTest {

    @Test
    void namesEachUnitInUseLargestFirst() {
        assertEquals("4 hours", DurationWords.describe(Duration.ofHours(4)));
        assertEquals("3 days", DurationWords.describe(Duration.ofDays(3)));
        assertEquals("30 seconds", DurationWords.describe(Duration.ofSeconds(30)));
        assertEquals("1 hour 30 minutes", DurationWords.describe(Duration.ofMinutes(90)));
        assertEquals("1 day 1 minute 1 second", DurationWords.describe(Duration.ofSeconds(86_400 + 61)));
        assertEquals("0 seconds", DurationWords.describe(Duration.ZERO));
    }
}
