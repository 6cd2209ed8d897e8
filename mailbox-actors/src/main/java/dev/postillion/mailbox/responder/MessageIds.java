package dev.postillion.mailbox.responder;

import java.util.ArrayList;
import java.util.List;

/** The msg-ids (RFC 5322 section 3.6.4) of a Message-ID, In-Reply-To or References field. */
final class MessageIds {

    /** Longer ids are left out: a References line holding one must stay below 998 characters. */
    private static final int LONGEST = 900;

    private MessageIds() {}

    /**
     * Every {@code <...>} of {@code value} in order, brackets included. Ids with white space,
     * control or non-ASCII characters are left out, being either not ids or able to break the
     * lines of a header that repeats them.
     */
    static List<String> in(String value) {
        List<String> ids = new ArrayList<>();
        int from = 0;
        int close = value.indexOf('>');
        while (close >= 0) {
            int open = value.lastIndexOf('<', close); // the nearest: "<junk <id@host>" still yields the id
            if (open >= from && isClean(value.substring(open, close + 1))) {
                ids.add(value.substring(open, close + 1));
            }
            from = close + 1;
            close = value.indexOf('>', from);
        }
        return ids;
    }

    private static boolean isClean(String id) {
        return id.length() > 2 && id.length() <= LONGEST
                && id.substring(1, id.length() - 1).chars().allMatch(c -> c > ' ' && c < 127);
    }
}
