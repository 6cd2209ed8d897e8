package dev.postillion.mta.imap;

import java.util.List;
import java.util.Locale;
import org.roaringbitmap.RoaringBitmap;

/**
 * What a SEARCH answers and saves: the result options of {@code RETURN (...)} (ESEARCH, RFC 4731
 * section 3.1; SEARCHRES's SAVE, RFC 5182 section 2), and the form of the answer. Without RETURN
 * an IMAP4rev1 session is answered {@code * SEARCH} (RFC 3501 section 7.2.5), an IMAP4rev2 one
 * {@code * ESEARCH} with ALL (RFC 9051 section 6.4.4).
 *
 * @param extended whether the answer is an ESEARCH response rather than SEARCH
 */
record SearchReturn(boolean min, boolean max, boolean all, boolean count, boolean save, boolean extended) {

    /** A SEARCH without RETURN. */
    static SearchReturn plain(boolean rev2) {
        return new SearchReturn(false, false, rev2, false, false, rev2);
    }

    /** The options of {@code RETURN (...)}, the list next; an empty one means ALL (RFC 4731 section 3.1). */
    static SearchReturn read(CommandReader reader) {
        List<String> options = reader.atomList();
        boolean min = false;
        boolean max = false;
        boolean all = options.isEmpty();
        boolean count = false;
        boolean save = false;
        for (String option : options) {
            switch (option.toUpperCase(Locale.ROOT)) {
                case "MIN" -> min = true;
                case "MAX" -> max = true;
                case "ALL" -> all = true;
                case "COUNT" -> count = true;
                case "SAVE" -> save = true;
                default -> throw new CommandReader.BadSyntax("no such SEARCH RETURN option: " + option);
            }
        }
        return new SearchReturn(min, max, all, count, save, true);
    }

    /**
     * What SAVE keeps of {@code found} (uids, ascending): the minimum and maximum when only they
     * are asked for, else all (RFC 5182 section 2.4).
     */
    RoaringBitmap saved(List<Long> found) {
        RoaringBitmap saved = new RoaringBitmap();
        if (found.isEmpty()) {
            return saved;
        }
        if (extremesOnly()) {
            if (min) {
                saved.add((int) (long) found.get(0));
            }
            if (max) {
                saved.add((int) (long) found.get(found.size() - 1));
            }
        } else {
            found.forEach(uid -> saved.add((int) (long) uid));
        }
        return saved;
    }

    /** Whether only MIN and MAX are asked for, of what a result holds. */
    boolean extremesOnly() {
        return (min || max) && !all && !count;
    }

    /**
     * The untagged answer for {@code numbers} (ascending: uids or sequence numbers), or null when
     * SAVE alone asks for none (RFC 5182 section 2.4). {@code modSeq} is CONDSTORE's highest
     * modseq of the messages answered (RFC 7162 section 3.1.5), or -1 when the search had no MODSEQ key.
     */
    String response(String tag, boolean byUid, List<Long> numbers, long modSeq) {
        StringBuilder line = new StringBuilder(extended ? "* ESEARCH (TAG \"" + tag + "\")" : "* SEARCH");
        if (!extended) {
            numbers.forEach(number -> line.append(' ').append(number));
        } else {
            if (save && !min && !max && !all && !count) {
                return null;
            }
            if (byUid) {
                line.append(" UID");
            }
            if (min && !numbers.isEmpty()) {
                line.append(" MIN ").append(numbers.get(0));
            }
            if (max && !numbers.isEmpty()) {
                line.append(" MAX ").append(numbers.get(numbers.size() - 1));
            }
            if (count) {
                line.append(" COUNT ").append(numbers.size());
            }
            if (all && !numbers.isEmpty()) {
                line.append(" ALL ").append(sequenceSet(numbers));
            }
        }
        if (modSeq >= 0 && !numbers.isEmpty()) {
            line.append(extended ? " MODSEQ " + modSeq : " (MODSEQ " + modSeq + ")");
        }
        return line.toString();
    }

    /** Ascending numbers as a sequence set with ranges: 1,2,3,5 as "1:3,5" (RFC 9051 {@code sequence-set}). */
    static String sequenceSet(List<Long> numbers) {
        StringBuilder set = new StringBuilder();
        int i = 0;
        while (i < numbers.size()) {
            int j = i;
            while (j + 1 < numbers.size() && numbers.get(j + 1) == numbers.get(j) + 1) {
                j++;
            }
            if (set.length() > 0) {
                set.append(',');
            }
            set.append(numbers.get(i));
            if (j > i) {
                set.append(':').append(numbers.get(j));
            }
            i = j + 1;
        }
        return set.toString();
    }
}
