package dev.postillion.mta.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ContentMemoryTest {

    /** 100 bytes for the messages arriving, 100 for those being checked. */
    private final ContentMemory memory = new ContentMemory(200);
    private final AtomicInteger wakes = new AtomicInteger();

    @Test
    void sharesGrowWhileTheBoundHoldsAndWaitBeyondIt() {
        holding(60);
        ContentMemory.Share second = holding(40);
        assertFalse(grow(second, 1), "the bound was passed by a younger share");
        assertEquals(100, memory.used());
        assertEquals(0, wakes.get());
    }

    @Test
    void aMessageDecidedOnFreesItsShareAndWakesTheWaiters() {
        ContentMemory.Share first = holding(60);
        ContentMemory.Share second = holding(40);
        assertFalse(grow(second, 10));

        first.release();
        assertEquals(1, wakes.get());
        assertEquals(40, memory.used());
        assertTrue(grow(second, 10));
        assertEquals(50, memory.used());
    }

    @Test
    void theOldestShareMayPassTheBoundSoThatSharesNeverWaitForEachOther() {
        ContentMemory.Share oldest = holding(50);
        ContentMemory.Share younger = holding(50);
        assertTrue(grow(oldest, 30));
        assertFalse(grow(younger, 1));
        assertEquals(130, memory.used());

        oldest.release();
        assertTrue(grow(younger, 200), "the younger share is now the oldest");
    }

    @Test
    void aShareThatGivesBackWhatWasWrittenWakesTheWaitersAndStaysTheOldest() {
        ContentMemory.Share oldest = holding(60);
        ContentMemory.Share younger = holding(40);
        assertFalse(grow(younger, 30));

        oldest.shrink(50);
        assertEquals(1, wakes.get());
        assertEquals(50, memory.used());
        assertTrue(grow(younger, 30));
        assertTrue(grow(oldest, 100), "the share that gave back is still the oldest, which may always grow");
    }

    @Test
    void messagesBeingCheckedHaveAPoolOfTheirOwn() {
        holding(100);
        ContentMemory.Share checked = memory.checks().share();
        assertTrue(grow(checked, 100), "a check waited for the connections' memory");
        assertFalse(grow(memory.checks().share(), 1));
        assertEquals(100, memory.used());
        assertEquals(100, memory.checks().used());
    }

    @Test
    void releasingTwiceFreesOnce() {
        ContentMemory.Share first = holding(30);
        holding(20);
        first.release();
        first.release();
        assertEquals(20, memory.used());
    }

    /** A new share that has taken {@code bytes}. */
    private ContentMemory.Share holding(long bytes) {
        ContentMemory.Share share = memory.share();
        assertTrue(grow(share, bytes));
        return share;
    }

    private boolean grow(ContentMemory.Share share, long bytes) {
        return share.grow(bytes, wakes::incrementAndGet);
    }
}
