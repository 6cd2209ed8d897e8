package dev.postillion.admin;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * What the admin API needs of greylisting, implemented by the mta module (ARCHITECTURE: small
 * interfaces for what admin-http does not own).
 */
public interface GreylistAdmin {

    /** One triplet: {@code passed} once a retry came after the delay. */
    record Entry(String key, String network, String sender, String recipient, Instant firstSeen,
            Instant lastSeen, boolean passed) {}

    /** An operator's allow entry: {@code kind} is {@code network} or {@code domain}. */
    record Allowed(String key, String kind, String value) {}

    /** Triplets in key order after {@code after} (exclusive), at most {@code limit}; read off the caller's thread. */
    CompletionStage<List<Entry>> triplets(Optional<String> after, int limit);

    /** The operator's allow entries in key order; read off the caller's thread. */
    CompletionStage<List<Allowed>> allowed();

    /**
     * Never greylists a client network ({@code 192.0.2.0/24}) or a sender domain.
     *
     * @throws IllegalArgumentException naming what is wrong with the value
     */
    CompletionStage<Allowed> allow(String kind, String value);

    /** Forgets a triplet or removes an allow entry; false when there is no such key. */
    CompletionStage<Boolean> delete(String key);
}
