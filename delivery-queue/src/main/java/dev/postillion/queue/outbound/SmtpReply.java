package dev.postillion.queue.outbound;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A remote server's reply to one command (RFC 5321 section 4.2), as received.
 *
 * @param code the three-digit reply code, of the last line when a server disagrees with itself
 * @param lines every line without its line ending, code included: {@code 250-first}, {@code 250 last}
 */
public record SmtpReply(int code, List<String> lines) {

    /** RFC 3463 section 2: class.subject.detail, each number of at most three digits. */
    private static final Pattern ENHANCED_CODE = Pattern.compile("([245]\\.\\d{1,3}\\.\\d{1,3})(?:\\s|$)");

    public SmtpReply {
        lines = List.copyOf(lines);
    }

    /** 2yz: the command succeeded (RFC 5321 section 4.2.1). */
    public boolean positive() {
        return code / 100 == 2;
    }

    /** 5yz: the command failed for good; retrying it unchanged would fail again. */
    public boolean permanent() {
        return code / 100 == 5;
    }

    /** The reply as the queue log and reports show it: its lines joined by a space. */
    public String text() {
        return String.join(" ", lines);
    }

    /** Each line's text after the code and its separator: what EHLO keywords are read from. */
    public List<String> texts() {
        return lines.stream().map(line -> line.length() > 4 ? line.substring(4) : "").toList();
    }

    /**
     * The RFC 3463 status this reply gives: its enhanced status code (RFC 2034 section 3) when the
     * first line has one of the reply's own class, else {@code X.0.0} from the reply code, as
     * Postfix does for servers that give none.
     */
    public String dsn() {
        Matcher enhanced = ENHANCED_CODE.matcher(texts().get(0));
        if (enhanced.lookingAt() && enhanced.group(1).charAt(0) - '0' == code / 100) {
            return enhanced.group(1);
        }
        return code / 100 + ".0.0";
    }
}
