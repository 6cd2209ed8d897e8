package dev.postillion.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueueIdTest {

    private static final List<QueueId> SAMPLES = List.of(
            new QueueId(0, 0), new QueueId(1, -1), new QueueId(1, 0x7FFFFFFF), new QueueId(2, 5),
            new QueueId(1_700_000_000_000_000L, 42), new QueueId(Long.MAX_VALUE, 0), new QueueId(-1L, -1));

    @Test
    void bytesRoundTrip() {
        for (QueueId id : SAMPLES) {
            assertEquals(QueueId.BYTES, id.bytes().length);
            assertEquals(id, QueueId.fromBytes(id.bytes(), 0));
        }
    }

    @Test
    void bytesAreReadAtAnOffset() {
        QueueId id = new QueueId(123_456_789L, 987);
        byte[] key = new byte[3 + QueueId.BYTES];
        System.arraycopy(id.bytes(), 0, key, 3, QueueId.BYTES);
        assertEquals(id, QueueId.fromBytes(key, 3));
    }

    @Test
    void textRoundTripsAsTwentyFourUpperCaseHexDigits() {
        for (QueueId id : SAMPLES) {
            String text = id.toString();
            assertTrue(text.matches("[0-9A-F]{24}"), text);
            assertEquals(id, QueueId.parse(text));
            assertEquals(id, QueueId.parse(text.toLowerCase()));
        }
    }

    @Test
    void textThatIsNotAQueueIdIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> QueueId.parse("0123"));
        assertThrows(IllegalArgumentException.class, () -> QueueId.parse("0123456789ABCDEF0123456Z"));
        assertThrows(IllegalArgumentException.class, () -> QueueId.parse("0123456789ABCDEF012345678"));
    }

    @Test
    void orderIsTheOrderOfTheStoreKeys() {
        for (QueueId a : SAMPLES) {
            for (QueueId b : SAMPLES) {
                assertEquals(Integer.signum(Arrays.compareUnsigned(a.bytes(), b.bytes())), Integer.signum(a.compareTo(b)),
                        a + " vs " + b);
            }
        }
    }

    @Test
    void sequenceOrdersBeforeNodeTag() {
        assertTrue(new QueueId(1, -1).compareTo(new QueueId(2, 0)) < 0);
        assertTrue(new QueueId(2, 1).compareTo(new QueueId(2, 2)) < 0);
    }

    @Test
    void generatorIsStrictlyIncreasingWhileTheClockStandsStill() {
        QueueIdGenerator generator = new QueueIdGenerator(new MutableClock(Instant.parse("2026-01-01T00:00:00Z")));
        QueueId previous = generator.next();
        for (int i = 0; i < 10_000; i++) {
            QueueId next = generator.next();
            assertTrue(next.compareTo(previous) > 0, next + " after " + previous);
            previous = next;
        }
    }

    @Test
    void generatorFollowsTheClockForwardButNeverBack() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        QueueIdGenerator generator = new QueueIdGenerator(clock);
        QueueId first = generator.next();
        assertEquals(clock.millis() * 1000, first.sequence());

        clock.advance(Duration.ofSeconds(1));
        QueueId later = generator.next();
        assertEquals(clock.millis() * 1000, later.sequence());

        clock.advance(Duration.ofSeconds(-10));
        assertTrue(generator.next().compareTo(later) > 0);
    }

    @Test
    void generatorTagsEveryIdWithOneNodeTag() {
        QueueIdGenerator generator = new QueueIdGenerator(new MutableClock(Instant.EPOCH));
        assertEquals(generator.next().nodeTag(), generator.next().nodeTag());
    }
}
