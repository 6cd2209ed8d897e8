package dev.postillion.loadtest.imap;

import dev.postillion.loadtest.wire.Reply;
import java.util.Locale;
import java.util.Set;

/**
 * What the server answered one command (RFC 3501 §7): the response that completed it (a tagged
 * status, a continuation request, or, for the greeting and what the server pushes during IDLE, an
 * untagged response) and what the untagged responses before it amounted to, counted rather than
 * kept, so that a FETCH of a whole folder costs the client no memory.
 *
 * @param kind which response completed the command
 * @param tag the command's tag; {@code *} or {@code +} for the other kinds
 * @param result OK, NO, BAD, PREAUTH or BYE; empty for a continuation or an untagged data response
 * @param text the rest of the completing response's line (its first 1,024 bytes at most)
 * @param fetched how many FETCH responses came (RFC 3501 §7.4.2)
 * @param literalBytes how many octets of literals came, e.g. the headers or bodies fetched
 * @param found how many message numbers SEARCH responses listed (RFC 3501 §7.2.5)
 * @param exists the last EXISTS count the server gave (RFC 3501 §7.3.1), -1 if none
 */
record ImapReply(Kind kind, String tag, String result, String text, int fetched, long literalBytes, int found,
        int exists) implements Reply {

    /** What completed the exchange. */
    enum Kind {
        TAGGED,
        CONTINUATION,
        UNTAGGED
    }

    private static final Set<String> STATUSES = Set.of("OK", "NO", "BAD", "PREAUTH", "BYE");

    /**
     * The reply that {@code line}, the first line of a complete response, makes, with the counts
     * of the responses before it.
     */
    static ImapReply of(String line, int fetched, long literalBytes, int found, int exists) {
        if (line.startsWith("+")) {
            return new ImapReply(Kind.CONTINUATION, "+", "", line.substring(1).strip(), fetched, literalBytes, found,
                    exists);
        }
        String[] words = line.split(" ", 3);
        String tag = words[0];
        Kind kind = tag.equals("*") ? Kind.UNTAGGED : Kind.TAGGED;
        String second = words.length > 1 ? words[1] : "";
        if (STATUSES.contains(second.toUpperCase(Locale.ROOT))) {
            return new ImapReply(kind, tag, second.toUpperCase(Locale.ROOT), words.length > 2 ? words[2] : "", fetched,
                    literalBytes, found, exists);
        }
        return new ImapReply(kind, tag, "", line.substring(Math.min(line.length(), tag.length() + 1)), fetched,
                literalBytes, found, exists);
    }

    /** The same reply with the EXISTS count that pushes before it gave. */
    ImapReply withExists(int count) {
        return new ImapReply(kind, tag, result, text, fetched, literalBytes, found, count);
    }

    /** The status a report shows beside the request: OK, NO, BAD..., {@code +} or {@code *}. */
    @Override
    public String status() {
        return result.isEmpty() ? tag : result;
    }

    /**
     * OK or PREAUTH (RFC 3501 §7.1), a continuation request (the server waits for more), or an
     * untagged data response pushed by the server.
     */
    @Override
    public boolean positive() {
        return result.equals("OK") || result.equals("PREAUTH") || result.isEmpty();
    }

    /** The completing response as the server wrote it (its first 1,024 bytes). */
    @Override
    public String toString() {
        return (tag + " " + result + " " + text).replace("  ", " ").strip();
    }
}
