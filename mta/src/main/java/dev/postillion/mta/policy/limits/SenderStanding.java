package dev.postillion.mta.policy.limits;

import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * Where one authenticated sender stands against its {@link SendingLimit}s: the limits in force
 * (0: none), what the current windows have counted, the operator's override, and when the
 * windows end.
 *
 * @param limits every limit, as in force for the sender
 * @param used every limit's count in its current window
 * @param override the limits the operator set for this address; the others are inherited
 */
public record SenderStanding(Map<SendingLimit, Integer> limits, Map<SendingLimit, Integer> used,
        Map<SendingLimit, Integer> override, Instant hourEnds, Instant dayEnds) {

    public SenderStanding {
        limits = Map.copyOf(limits);
        used = Map.copyOf(used);
        override = Map.copyOf(override);
    }

    /** A message limit the sender has reached, so that its next message is refused at MAIL. */
    public Optional<SendingLimit> messageLimitReached() {
        return reached(true, 0);
    }

    /**
     * A recipient limit that one more recipient would exceed, with {@code accepted} recipients of the
     * transaction under way counted already (they are counted for good only once it is accepted).
     */
    public Optional<SendingLimit> recipientLimitReached(int accepted) {
        return reached(false, accepted);
    }

    private Optional<SendingLimit> reached(boolean messages, int pending) {
        return Arrays.stream(SendingLimit.values())
                .filter(limit -> limit.countsMessages() == messages && limits.get(limit) > 0)
                .filter(limit -> (long) used.get(limit) + pending >= limits.get(limit))
                .findFirst();
    }

    /** When {@code limit}'s count starts again from 0. */
    public Instant resets(SendingLimit limit) {
        return limit.hourly() ? hourEnds : dayEnds;
    }

    /**
     * The text of the 451 refusal: which limit, and when it resets, as a user's client shows it
     * (Postfix's policy servers answer the same way): {@code Rate limit exceeded: 200 messages per
     * hour, resets at 2026-12-07T10:00:00Z}.
     */
    public String refusal(SendingLimit limit) {
        int count = limits.get(limit);
        String what = count == 1 ? limit.description().replaceFirst("s ", " ") : limit.description();
        return "Rate limit exceeded: " + count + " " + what + ", resets at " + resets(limit);
    }

    /** The largest share of a limit used (1.0 at the limit), over the limits in force; 0 without any. */
    public double nearest() {
        return Arrays.stream(SendingLimit.values()).filter(limit -> limits.get(limit) > 0)
                .mapToDouble(limit -> (double) used.get(limit) / limits.get(limit)).max().orElse(0);
    }
}
