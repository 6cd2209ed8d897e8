package dev.postillion.loadtest.smtp;

import dev.postillion.loadtest.wire.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One server reply (RFC 5321 §4.2): a three-digit code and one or more lines of text, the first
 * of which may start with an enhanced status code (RFC 3463, e.g. {@code 2.0.0}).
 *
 * @param code the reply code, e.g. 250
 * @param enhancedStatus the enhanced status code of the first line, empty if the server gave none
 * @param lines the text of each line, without the code and its separator
 */
record SmtpReply(int code, String enhancedStatus, List<String> lines) implements Reply {

    // RFC 3463 §2: class "." subject "." detail, where class is 2, 4 or 5
    private static final Pattern ENHANCED_STATUS = Pattern.compile("([245])\\.(\\d{1,3})\\.(\\d{1,3})(?: |$)");
    // Postfix's and Postillion's "250 2.0.0 Ok: queued as 4Xyz..." (cleanup(8) assigns the id)
    private static final Pattern QUEUED_AS = Pattern.compile("queued as ([A-Za-z0-9]+)", Pattern.CASE_INSENSITIVE);

    SmtpReply {
        lines = List.copyOf(lines);
    }

    /**
     * Splits the enhanced status code off the lines when the reply's class agrees with it; RFC
     * 2034 §4 repeats it on every line of a multiline reply.
     */
    static SmtpReply of(int code, List<String> lines) {
        String first = lines.isEmpty() ? "" : lines.get(0);
        Matcher status = ENHANCED_STATUS.matcher(first);
        if (!status.lookingAt() || status.group(1).charAt(0) - '0' != code / 100) {
            return new SmtpReply(code, "", lines);
        }
        String enhanced = status.group(1) + "." + status.group(2) + "." + status.group(3);
        List<String> texts = new ArrayList<>(lines.size());
        for (String line : lines) {
            texts.add(line.equals(enhanced) ? "" : line.startsWith(enhanced + " ") ? line.substring(enhanced.length() + 1) : line);
        }
        return new SmtpReply(code, enhanced, texts);
    }

    /** 2xx: the command was accepted (RFC 5321 §4.2.1). */
    boolean isPositiveCompletion() {
        return code / 100 == 2;
    }

    @Override
    public String status() {
        return Integer.toString(code);
    }

    @Override
    public boolean positive() {
        return isPositiveCompletion();
    }

    /** The text of all lines, one per line, without codes. */
    String text() {
        return String.join("\n", lines);
    }

    /** The queue id from "queued as ID", as Postfix and Postillion say it in their reply to DATA. */
    Optional<String> queuedAs() {
        Matcher queued = QUEUED_AS.matcher(text());
        return queued.find() ? Optional.of(queued.group(1)) : Optional.empty();
    }

    /** The reply as the server wrote its first line, other lines appended: what a report shows. */
    @Override
    public String toString() {
        StringBuilder shown = new StringBuilder().append(code);
        if (!enhancedStatus.isEmpty()) {
            shown.append(' ').append(enhancedStatus);
        }
        for (String line : lines) {
            if (!line.isEmpty()) {
                shown.append(' ').append(line);
            }
        }
        return shown.toString();
    }
}
