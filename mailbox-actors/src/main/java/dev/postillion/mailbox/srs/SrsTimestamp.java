package dev.postillion.mailbox.srs;

import java.time.Instant;
import java.util.Optional;

/**
 * The day an SRS0 address was made, as libsrs2 writes it: days since the epoch modulo 1024, in two
 * base32 characters (RFC 4648 section 6 alphabet), most significant first. The count wraps every 2.8
 * years, so an age is only meaningful when it is much smaller than that.
 *
 * @param slot the day modulo 1024
 */
record SrsTimestamp(int slot) {

    static final int SLOTS = 1024;
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final long SECONDS_PER_DAY = 86_400;

    static SrsTimestamp of(Instant instant) {
        return new SrsTimestamp((int) Math.floorMod(epochDay(instant), SLOTS));
    }

    /** Case-insensitive, as libsrs2 upper-cases before decoding: some relays lower-case local parts. */
    static Optional<SrsTimestamp> parse(String text) {
        if (text.length() != 2) {
            return Optional.empty();
        }
        int high = ALPHABET.indexOf(Character.toUpperCase(text.charAt(0)));
        int low = ALPHABET.indexOf(Character.toUpperCase(text.charAt(1)));
        if (high < 0 || low < 0) {
            return Optional.empty();
        }
        return Optional.of(new SrsTimestamp(high * 32 + low));
    }

    String text() {
        return new String(new char[] {ALPHABET.charAt(slot / 32), ALPHABET.charAt(slot % 32)});
    }

    /** Whole days from this stamp to {@code now}, in 0..1023: a stamp from the future looks very old. */
    int daysBefore(Instant now) {
        return Math.floorMod(epochDay(now) - slot, SLOTS);
    }

    private static long epochDay(Instant instant) {
        return Math.floorDiv(instant.getEpochSecond(), SECONDS_PER_DAY);
    }
}
