package dev.postillion.mta.policy.limits;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The four limits on what one authenticated user sends (SPEC section 5, issue 17): messages and
 * recipients, per hour and per day. Windows are the UTC clock hour and the UTC day, so that a
 * refusal can say exactly when the count starts again and every node of a cluster agrees on it.
 */
public enum SendingLimit {
    MESSAGES_PER_HOUR("messagesPerHour", "messages per hour", true, true),
    MESSAGES_PER_DAY("messagesPerDay", "messages per day", true, false),
    RECIPIENTS_PER_HOUR("recipientsPerHour", "recipients per hour", false, true),
    RECIPIENTS_PER_DAY("recipientsPerDay", "recipients per day", false, false);

    private final String key;
    private final String description;
    private final boolean messages;
    private final boolean hourly;

    SendingLimit(String key, String description, boolean messages, boolean hourly) {
        this.key = key;
        this.description = description;
        this.messages = messages;
        this.hourly = hourly;
    }

    /** Its name in settings' JSON, the admin API and the store's records: {@code messagesPerHour}. */
    public String key() {
        return key;
    }

    /** Its words in a refusal: {@code messages per hour}. */
    String description() {
        return description;
    }

    /** Counts messages (checked at MAIL), else recipients (checked at RCPT). */
    boolean countsMessages() {
        return messages;
    }

    /** Its window is the hour, else the day. */
    boolean hourly() {
        return hourly;
    }

    public static Optional<SendingLimit> byKey(String key) {
        return Arrays.stream(values()).filter(limit -> limit.key.equals(key)).findFirst();
    }

    /** Counts by limit, from counts by {@link #key()}; a key this node does not know (a newer node's) is left out. */
    static Map<SendingLimit, Integer> byKeys(Map<String, Integer> keyed) {
        Map<SendingLimit, Integer> limits = new EnumMap<>(SendingLimit.class);
        keyed.forEach((key, count) -> byKey(key).ifPresent(limit -> limits.put(limit, count)));
        return limits;
    }

    /** Counts by {@link #key()}, as records and messages keep them. */
    static Map<String, Integer> keyed(Map<SendingLimit, Integer> counts) {
        Map<String, Integer> keyed = new HashMap<>();
        counts.forEach((limit, count) -> keyed.put(limit.key, count));
        return keyed;
    }
}
