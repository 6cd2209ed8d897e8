package dev.postillion.mta.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ContentReadsTest {

    private static final long RUN = ContentReads.RUN_BYTES;

    @Test
    void messagesAreCutIntoRunsOfAtMostTheRunBytesAndALargerMessageIsARunOfItsOwn() {
        List<Long> sizes = List.of(RUN / 2, RUN / 2, 1L, RUN * 3, 10L, RUN - 10, 1L);
        assertEquals(List.of(List.of(RUN / 2, RUN / 2), List.of(1L), List.of(RUN * 3), List.of(10L, RUN - 10),
                List.of(1L)), ContentReads.runs(sizes, Long::longValue));
        assertEquals(List.of(), ContentReads.runs(List.<Long>of(), Long::longValue));
    }

    @Test
    void generatedSizesKeepTheirOrderAndEveryRunOfSeveralFits() {
        Random random = new Random(15);
        for (int round = 0; round < 1_000; round++) {
            List<Long> sizes = IntStream.range(0, random.nextInt(60))
                    .mapToObj(i -> random.nextInt(4) == 0 ? (long) random.nextInt((int) RUN * 2) : random.nextInt(50_000))
                    .toList();
            List<List<Long>> runs = ContentReads.runs(sizes, Long::longValue);
            assertEquals(sizes, runs.stream().flatMap(List::stream).toList(), "every message once, in order");
            for (int i = 0; i < runs.size(); i++) {
                List<Long> run = runs.get(i);
                long bytes = run.stream().mapToLong(Long::longValue).sum();
                assertTrue(run.size() == 1 || bytes <= RUN, "a run of several fits: " + run);
                if (i + 1 < runs.size()) {
                    assertTrue(bytes + runs.get(i + 1).get(0) > RUN, "a run takes what fits: " + run);
                }
            }
        }
    }
}
