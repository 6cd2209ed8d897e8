package dev.postillion.mta.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ContentMemoryTest {

    private final ContentMemory memory = new ContentMemory(100);
    private final AtomicInteger wakes = new AtomicInteger();

    @Test
    void sharesGrowWhileTheBoundHoldsAndWaitBeyondIt() {
        ContentMemory.Share first = memory.share();
        ContentMemory.Share second = memory.share();
        assertTrue(first.grow(60, wakes::incrementAndGet));
        assertTrue(second.grow(40, wakes::incrementAndGet));
        assertFalse(second.grow(1, wakes::incrementAndGet), "the bound was passed by a younger share");
        assertEquals(100, memory.used());
        assertEquals(0, wakes.get());
    }

    @Test
    void aMessageDecidedOnFreesItsShareAndWakesTheWaiters() {
        ContentMemory.Share first = memory.share();
        ContentMemory.Share second = memory.share();
        first.grow(60, wakes::incrementAndGet);
        second.grow(40, wakes::incrementAndGet);
        assertFalse(second.grow(10, wakes::incrementAndGet));

        first.release();
        assertEquals(1, wakes.get());
        assertEquals(40, memory.used());
        assertTrue(second.grow(10, wakes::incrementAndGet));
        assertEquals(50, memory.used());
    }

    @Test
    void theOldestShareMayPassTheBoundSoThatSharesNeverWaitForEachOther() {
        ContentMemory.Share oldest = memory.share();
        ContentMemory.Share younger = memory.share();
        oldest.grow(50, wakes::incrementAndGet);
        younger.grow(50, wakes::incrementAndGet);
        assertTrue(oldest.grow(30, wakes::incrementAndGet));
        assertFalse(younger.grow(1, wakes::incrementAndGet));
        assertEquals(130, memory.used());

        oldest.release();
        assertTrue(younger.grow(200, wakes::incrementAndGet), "the younger share is now the oldest");
    }

    @Test
    void releasingTwiceFreesOnce() {
        ContentMemory.Share first = memory.share();
        ContentMemory.Share second = memory.share();
        first.grow(30, wakes::incrementAndGet);
        second.grow(20, wakes::incrementAndGet);
        first.release();
        first.release();
        assertEquals(20, memory.used());
    }
}
