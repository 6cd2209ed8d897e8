package dev.postillion.loadtest.pop3;

import dev.postillion.loadtest.wire.Reply;
import java.util.Optional;

/**
 * A POP3 server's reply (RFC 1939 §3): its status indicator and first line, and of a multi-line
 * reply's content only its size, counted rather than kept.
 *
 * @param ok {@code +OK} rather than {@code -ERR}
 * @param text the first line after the indicator (its first 1,024 bytes at most)
 * @param lines how many lines of content followed, without the terminating "."
 * @param octets the content's size with CRLF line ends and without the byte-stuffing dots, as
 *        RFC 1939 §11 counts a message's octets
 */
record Pop3Reply(boolean ok, String text, int lines, long octets) implements Reply {

    /** The reply whose first line is {@code line}. */
    static Pop3Reply of(String line, int lines, long octets) {
        boolean ok = line.startsWith("+OK");
        String rest = line.substring(Math.min(line.length(), ok ? 3 : 4)).strip();
        return new Pop3Reply(ok, rest, lines, octets);
    }

    /** The n-th number of the text, as STAT's "+OK nn mm" (RFC 1939 §5) gives the count and the size. */
    Optional<Long> number(int n) {
        String[] words = text.split(" ");
        if (words.length <= n || !words[n].matches("\\d{1,18}")) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(words[n]));
    }

    @Override
    public String status() {
        return ok ? "+OK" : "-ERR";
    }

    @Override
    public boolean positive() {
        return ok;
    }

    /** The first line as the server wrote it. */
    @Override
    public String toString() {
        return (status() + " " + text).strip();
    }
}
