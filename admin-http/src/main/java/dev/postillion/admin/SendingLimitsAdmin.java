package dev.postillion.admin;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * What the admin API needs of the limits on what users send, implemented by the mta module
 * (ARCHITECTURE: small interfaces for what admin-http does not own). Limits are named as in the
 * API ({@code messagesPerHour}, {@code messagesPerDay}, {@code recipientsPerHour},
 * {@code recipientsPerDay}); a count of 0 is no limit.
 *
 * @see #limitNames()
 */
public interface SendingLimitsAdmin {

    /**
     * Where one sender stands: the limits in force, what their current windows have counted, the
     * operator's override (the other limits inherited), and when the hour's and the day's
     * windows end. Maps are in the order of {@link #limitNames()}.
     */
    record Standing(Map<String, Integer> limits, Map<String, Integer> used, Map<String, Integer> override,
            Instant hourEnds, Instant dayEnds) {}

    /** One sender of the near-limit listing; {@code nearest} is its largest share of a limit used. */
    record Sender(String address, double nearest, Standing standing) {}

    /** The limits' names, in the order the API shows them. */
    List<String> limitNames();

    /** Where the address (its key, lower case) stands now. */
    CompletionStage<Standing> standing(String address);

    /** Replaces the address's override (empty removes it); answers its new standing. */
    CompletionStage<Standing> override(String address, Map<String, Integer> override);

    /** Today's senders at {@code share} (0 to 1) or more of one of their limits, the nearest first. */
    CompletionStage<List<Sender>> near(double share);
}
