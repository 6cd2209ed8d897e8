package dev.postillion.mta.policy.limits;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code postillion.limits}: connection and rate limits, as Postfix's anvil(8) keeps them;
 * documented in mta's reference.conf. A count of 0 turns its limit off.
 *
 * @param maxConnections concurrent connections to a listener, all clients together
 * @param reservedConnections of those, how many only the relay and exempt networks may take
 * @param maxConnectionsPerClient concurrent connections from one client IP address
 * @param connectionRatePerClient new connections from one client IP address per minute
 * @param messageRatePerClient MAIL commands from one client IP address per minute
 * @param greetingDelay how long the greeting waits, to catch clients that talk before it
 * @param sending the node's default limits on what one authenticated user sends
 *     ({@code postillion.limits.sending}), every {@link SendingLimit} present
 */
public record LimitSettings(
        int maxConnections,
        int reservedConnections,
        int maxConnectionsPerClient,
        int connectionRatePerClient,
        int messageRatePerClient,
        Duration greetingDelay,
        Map<SendingLimit, Integer> sending) {

    public LimitSettings {
        sending = Map.copyOf(sending);
    }

    /** Everything off: for code that starts listeners without a configuration. */
    public static final LimitSettings NONE = new LimitSettings(0, 0, 0, 0, 0, Duration.ZERO,
            Arrays.stream(SendingLimit.values()).collect(Collectors.toMap(limit -> limit, limit -> 0)));

    /** Whether any limit on what users send is on; when none is, nothing is counted. */
    public boolean limitsSending() {
        return sending.values().stream().anyMatch(count -> count > 0);
    }

    /**
     * @param limits the {@code postillion.limits} block
     * @throws ConfigException.BadValue for a negative count or delay, or reserved connections that
     *     leave none for other clients
     */
    public static LimitSettings from(Config limits) {
        Duration greetingDelay = limits.getDuration("greeting-delay");
        if (greetingDelay.isNegative()) {
            throw new ConfigException.BadValue(limits.getValue("greeting-delay").origin(),
                    "postillion.limits.greeting-delay", "must not be negative");
        }
        int maxConnections = count(limits, "max-connections");
        int reserved = count(limits, "reserved-connections");
        if (maxConnections > 0 && reserved >= maxConnections) {
            throw new ConfigException.BadValue(limits.getValue("reserved-connections").origin(),
                    "postillion.limits.reserved-connections", "must be less than max-connections ("
                    + maxConnections + "), not " + reserved);
        }
        return new LimitSettings(
                maxConnections,
                reserved,
                count(limits, "max-connections-per-client"),
                count(limits, "connection-rate-per-client"),
                count(limits, "message-rate-per-client"),
                greetingDelay,
                Arrays.stream(SendingLimit.values()).collect(Collectors.toMap(limit -> limit,
                        limit -> count(limits, "sending." + limit.description().replace(' ', '-')))));
    }

    private static int count(Config limits, String key) {
        int value = limits.getInt(key);
        if (value < 0) {
            throw new ConfigException.BadValue(limits.getValue(key).origin(), "postillion.limits." + key,
                    "must be 0 (no limit) or more, not " + value);
        }
        return value;
    }
}
