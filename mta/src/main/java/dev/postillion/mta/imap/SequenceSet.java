package dev.postillion.mta.imap;

import org.roaringbitmap.RoaringBitmap;

/**
 * A sequence set of a command (RFC 9051 section 9, {@code sequence-set}) turned into the uids it
 * names among the messages a session knows: by sequence number (their rank among those uids) or,
 * for the UID commands, by uid. "*" is the last message; a range may be written either way round.
 */
final class SequenceSet {

    private SequenceSet() {}

    /**
     * The uids {@code set} names among {@code known}. Sequence numbers beyond the last message are
     * refused (RFC 9051 section 6.4.4 makes them an error); uids that do not exist are ignored.
     */
    static RoaringBitmap uids(String set, boolean byUid, RoaringBitmap known) {
        RoaringBitmap uids = new RoaringBitmap();
        for (String range : set.split(",", -1)) {
            if (!byUid && known.isEmpty() && range.contains("*")) {
                continue; // "1:*" of an empty folder names nothing, as Dovecot takes it
            }
            int colon = range.indexOf(':');
            String first = colon < 0 ? range : range.substring(0, colon);
            String last = colon < 0 ? range : range.substring(colon + 1);
            long a = number(first, byUid, known);
            long b = number(last, byUid, known);
            long low = Math.min(a, b);
            long high = Math.max(a, b);
            if (byUid) {
                uids.or(RoaringBitmap.and(known, RoaringBitmap.bitmapOfRange(low, high + 1)));
            } else {
                if (low < 1 || high > known.getLongCardinality()) {
                    throw new CommandReader.BadSyntax("no message with sequence number " + (low < 1 ? low : high)
                            + ": the folder holds " + known.getLongCardinality());
                }
                uids.or(RoaringBitmap.and(known, RoaringBitmap.bitmapOfRange(
                        Integer.toUnsignedLong(known.select((int) low - 1)),
                        Integer.toUnsignedLong(known.select((int) high - 1)) + 1)));
            }
        }
        return uids;
    }

    private static long number(String text, boolean byUid, RoaringBitmap known) {
        if (text.equals("*")) {
            if (known.isEmpty()) {
                return byUid ? 0 : 1;
            }
            return byUid ? Integer.toUnsignedLong(known.last()) : known.getLongCardinality();
        }
        if (text.isEmpty() || text.length() > 10 || !text.chars().allMatch(Character::isDigit)) {
            throw new CommandReader.BadSyntax("not a sequence set: '" + text + "'");
        }
        long number = Long.parseLong(text);
        if (number == 0 || number > 0xFFFFFFFFL) {
            throw new CommandReader.BadSyntax("sequence numbers and uids run from 1 to 4294967295, not " + number);
        }
        return number;
    }
}
