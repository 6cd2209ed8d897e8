package dev.postillion.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeysTest {

    @Test
    void textAndLongKeysSortByNumberNotByDigits() {
        long[] numbers = {0, 1, 2, 9, 10, 255, 256, 65_536, 1L << 40, Long.MAX_VALUE};
        List<byte[]> keys = new ArrayList<>();
        for (long number : numbers) {
            keys.add(Keys.textAndLong("anna@example.com", number));
        }
        List<byte[]> sorted = new ArrayList<>(keys);
        sorted.sort(Arrays::compareUnsigned);
        for (int i = 0; i < keys.size(); i++) {
            assertArrayEquals(keys.get(i), sorted.get(i), "position " + i);
        }
    }

    @Test
    void keysOfOneTextSortTogetherBeforeLongerTexts() {
        byte[] lastOfA = Keys.textAndLong("a", Long.MAX_VALUE);
        byte[] firstOfAb = Keys.textAndLong("ab", 0);
        assertTrue(Arrays.compareUnsigned(lastOfA, firstOfAb) < 0);
        assertTrue(Arrays.compareUnsigned(lastOfA, Keys.prefixEnd(Keys.text("a"))) < 0);
    }

    @Test
    void successorIsTheSmallestKeyAfterAKey() {
        byte[] key = {'a', (byte) 0xFF};
        byte[] successor = Keys.successor(key);
        assertArrayEquals(new byte[] {'a', (byte) 0xFF, 0}, successor);
        assertTrue(Arrays.compareUnsigned(key, successor) < 0);
        assertTrue(Arrays.compareUnsigned(successor, new byte[] {'a', (byte) 0xFF, 0, 0}) < 0);
    }

    @Test
    void textKeyIsUtf8EndedByNul() {
        assertArrayEquals(new byte[] {'a', 'b', 0}, Keys.text("ab"));
        assertArrayEquals(new byte[] {(byte) 0xC3, (byte) 0xA9, 0}, Keys.text("é"));
    }

    @Test
    void prefixEndIncrementsTheLastByte() {
        assertArrayEquals(new byte[] {1, 3}, Keys.prefixEnd(new byte[] {1, 2}));
        assertArrayEquals(new byte[] {'a', 1}, Keys.prefixEnd(Keys.text("a")));
    }

    @Test
    void prefixEndDropsTrailingFfBytes() {
        assertArrayEquals(new byte[] {2}, Keys.prefixEnd(new byte[] {1, (byte) 0xFF, (byte) 0xFF}));
        assertArrayEquals(new byte[] {(byte) 0x80}, Keys.prefixEnd(new byte[] {(byte) 0x7F, (byte) 0xFF}));
    }

    @Test
    void prefixEndBoundsEveryKeyWithThePrefixAndNothingElse() {
        byte[] prefix = {1, (byte) 0xFF};
        byte[] end = Keys.prefixEnd(prefix);
        assertTrue(Arrays.compareUnsigned(new byte[] {1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}, end) < 0);
        assertTrue(Arrays.compareUnsigned(new byte[] {2}, end) >= 0);
    }

    @Test
    void prefixOfOnlyFfBytesHasNoEnd() {
        assertThrows(IllegalArgumentException.class, () -> Keys.prefixEnd(new byte[] {(byte) 0xFF, (byte) 0xFF}));
        assertThrows(IllegalArgumentException.class, () -> Keys.prefixEnd(new byte[0]));
    }
}
