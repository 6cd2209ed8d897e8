package dev.postillion.mailbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DirectoryCacheTest {

    private static final byte[] ANNA = "address/example.com/anna".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BOB = "address/example.com/bob".getBytes(StandardCharsets.UTF_8);
    private static final byte[] RECORD = {1, 2, 3};

    private final DirectoryCache cache = new DirectoryCache(1);

    @Test
    void aRecordAndAnAbsenceAreBothKept() {
        cache.keep(ANNA, Optional.of(RECORD), cache.generation());
        assertArrayEquals(RECORD, cache.get(ANNA).orElseThrow().orElseThrow());
        DirectoryCache absences = new DirectoryCache(10);
        absences.keep(BOB, Optional.empty(), absences.generation());
        assertEquals(Optional.of(Optional.empty()), absences.get(BOB));
    }

    @Test
    void aChangeEmptiesTheCache() {
        cache.keep(ANNA, Optional.of(RECORD), cache.generation());
        cache.changed();
        assertEquals(Optional.empty(), cache.get(ANNA));
    }

    /** A read started before a change may have seen the old record: it is not kept. */
    @Test
    void aReadUnderWayAcrossAChangeIsNotKept() {
        long readIn = cache.generation();
        cache.changed();
        cache.keep(ANNA, Optional.of(RECORD), readIn);
        assertEquals(Optional.empty(), cache.get(ANNA));
    }

    @Test
    void theLeastRecentlyUsedLeavesFirst() {
        cache.keep(ANNA, Optional.of(RECORD), cache.generation());
        cache.keep(BOB, Optional.of(RECORD), cache.generation());
        assertEquals(Optional.empty(), cache.get(ANNA));
    }
}
