package dev.postillion.mailbox.responder;

import dev.postillion.core.MessageHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Whether a responder answers a message (RFC 3834 section 2): never to mail systems, lists, other
 * automatic messages, spam or excluded senders, never to mail that did not name the address, and
 * to each sender at most once per interval, so that two responders cannot keep answering each
 * other and a correspondent is not told the same thing at every message.
 */
public final class AutoReplyPolicy {

    /** How long a sender waits for the next answer, unless configured otherwise. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofDays(7);

    /**
     * The recipient fields RFC 3834 section 2 names for an address the message explicitly
     * includes: To and Cc, and also Bcc and the Resent- fields, which a delivered message rarely
     * has but which name the address as plainly when it does.
     */
    private static final List<String> RECIPIENT_FIELDS = List.of("To", "Cc", "Bcc", "Resent-To", "Resent-Cc",
            "Resent-Bcc");

    /**
     * Values of Precedence, a field no standard defines (RFC 2076 lists it as in use), that list
     * managers and bulk senders set on mail sent to many.
     */
    private static final Set<String> BULK_PRECEDENCE = Set.of("bulk", "list", "junk");

    /** What the policy says of a message. */
    public sealed interface Decision permits Answer, Skip {}

    /** Send the responder's reply. */
    public record Answer() implements Decision {}

    /** Send nothing; {@code reason} says why, for the log. */
    public record Skip(String reason) implements Decision {}

    private final Duration interval;

    public AutoReplyPolicy() {
        this(DEFAULT_INTERVAL);
    }

    /** @param interval how long after an answer the same sender is answered again */
    public AutoReplyPolicy(Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, not " + interval);
        }
        this.interval = interval;
    }

    /**
     * Decides for one message. The checks run in a fixed order and the first that refuses gives
     * the reason, so that the log names the rule that decided.
     *
     * @param addresses the address and its aliases, lower-cased, as the recipient fields must name one
     * @param zone the address's time zone, in which the responder's dates and weekdays are read
     * @param lastReply when the sender was last answered from this address, if ever
     */
    public Decision decide(Responder responder, IncomingMessage incoming, Set<String> addresses, ZoneId zone,
            Instant now, Optional<Instant> lastReply) {
        String sender = incoming.sender();
        MessageHeaders headers = incoming.headers();
        return Stream.<Supplier<Optional<String>>>of(
                        () -> responder.whyInactiveAt(now, zone),
                        () -> nullSender(sender),
                        () -> spam(incoming.spam()),
                        () -> automatedSender(sender),
                        () -> autoSubmitted(headers),
                        () -> bulkPrecedence(headers),
                        () -> listField(headers),
                        () -> excluded(responder, sender),
                        () -> notAddressed(headers, addresses),
                        () -> answeredRecently(sender, now, lastReply))
                .map(Supplier::get)
                .flatMap(Optional::stream)
                .findFirst()
                .<Decision>map(Skip::new)
                .orElseGet(Answer::new);
    }

    /** RFC 3834 section 2 and RFC 5321 section 4.5.5: nothing is ever sent to the null sender. */
    private static Optional<String> nullSender(String sender) {
        return sender.isEmpty() ? Optional.of("sender is the null sender") : Optional.empty();
    }

    /** Spam mostly carries forged senders: an answer would go to an innocent third party. */
    private static Optional<String> spam(boolean spam) {
        return spam ? Optional.of("message is spam") : Optional.empty();
    }

    private static Optional<String> automatedSender(String sender) {
        return AutomatedSenders.match(sender)
                .map(name -> "sender " + sender + " is an automated address (" + name + ")");
    }

    /** RFC 3834 section 5: any Auto-Submitted value but {@code no} marks an automatic message. */
    private static Optional<String> autoSubmitted(MessageHeaders headers) {
        return values(headers, "Auto-Submitted")
                .map(AutoReplyPolicy::keyword)
                .filter(keyword -> !keyword.equals("no"))
                .findFirst()
                .map(keyword -> keyword.isEmpty() ? "Auto-Submitted without a value" : "Auto-Submitted: " + keyword);
    }

    private static Optional<String> bulkPrecedence(MessageHeaders headers) {
        return values(headers, "Precedence")
                .map(AutoReplyPolicy::keyword)
                .filter(BULK_PRECEDENCE::contains)
                .findFirst()
                .map(keyword -> "Precedence: " + keyword);
    }

    /**
     * The list fields of RFC 2369 (List-Help, -Subscribe, -Unsubscribe, -Post, -Owner, -Archive),
     * RFC 2919 (List-Id) and RFC 8058 (List-Unsubscribe-Post): any field named {@code List-*}
     * marks list mail, so fields yet to be defined are covered too.
     */
    private static Optional<String> listField(MessageHeaders headers) {
        return headers.fields().stream()
                .map(MessageHeaders.Field::name)
                .filter(name -> name.regionMatches(true, 0, "List-", 0, 5))
                .findFirst()
                .map(name -> "mailing-list message (" + name + " field)");
    }

    private static Optional<String> excluded(Responder responder, String sender) {
        return responder.exclusionOf(sender).map(entry -> "sender " + sender + " is excluded by '" + entry + "'");
    }

    /**
     * RFC 3834 section 2: an absence notice goes only to mail that names the address or an alias
     * among its recipients, not to mail that reached it through a list, a forward or a Bcc.
     */
    private static Optional<String> notAddressed(MessageHeaders headers, Set<String> addresses) {
        Set<String> own = addresses.stream().map(a -> a.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        boolean named = RECIPIENT_FIELDS.stream()
                .flatMap(field -> values(headers, field))
                .flatMap(value -> AddressList.parse(value).stream())
                .anyMatch(address -> own.contains(address.toLowerCase(Locale.ROOT)));
        return named ? Optional.empty()
                : Optional.of("not addressed to " + String.join(", ", new TreeSet<>(own)) + " in "
                        + String.join(", ", RECIPIENT_FIELDS));
    }

    private Optional<String> answeredRecently(String sender, Instant now, Optional<Instant> lastReply) {
        return lastReply
                .filter(last -> now.isBefore(last.plus(interval)))
                .map(last -> "already answered " + sender + " at " + last + ", less than " + describe(interval)
                        + " ago");
    }

    private static Stream<String> values(MessageHeaders headers, String name) {
        return headers.fields().stream().filter(f -> f.name().equalsIgnoreCase(name)).map(MessageHeaders.Field::value);
    }

    /**
     * The first word of a structured field's value, lower-cased, without comments (RFC 5322
     * section 3.2.2) or parameters: {@code Auto-Replied (vacation); owner-email="a@b"} gives
     * {@code auto-replied}.
     */
    private static String keyword(String value) {
        StringBuilder word = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            } else if (depth == 0 && (c == ';' || (Character.isWhitespace(c) && word.length() > 0))) {
                break;
            } else if (depth == 0 && !Character.isWhitespace(c)) {
                word.append(c);
            }
        }
        return word.toString().toLowerCase(Locale.ROOT);
    }

    /** "7 days", "12 hours", "90 minutes": the interval as a person would say it. */
    static String describe(Duration duration) {
        long seconds = duration.toSeconds();
        if (duration.toNanosPart() != 0 || seconds % 60 != 0) {
            return duration.toString();
        }
        if (seconds % 86_400 == 0) {
            return plural(seconds / 86_400, "day");
        }
        return seconds % 3_600 == 0 ? plural(seconds / 3_600, "hour") : plural(seconds / 60, "minute");
    }

    private static String plural(long count, String unit) {
        return count + " " + unit + (count == 1 ? "" : "s");
    }
}
