package dev.postillion.mta.policy.greylist;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.postillion.mta.net.ClientNetworks;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code postillion.greylist}, documented in mta's reference.conf.
 *
 * @param autoWhitelist passed triplets after which a network is no longer greylisted; 0 is off
 * @param allowNetworks clients never greylisted
 * @param allowDomains sender domains never greylisted (lower case)
 */
public record GreylistSettings(boolean enabled, Duration delay, Duration retryWindow, Duration maxAge,
        int autoWhitelist, ClientNetworks allowNetworks, Set<String> allowDomains, Duration sweepInterval) {

    private static final String PATH = "postillion.greylist.";

    /**
     * @throws ConfigException.BadValue naming the key, for a negative duration or count, or a
     *     delay not shorter than the retry window (no retry could ever pass)
     */
    public static GreylistSettings from(Config greylist) {
        Duration delay = nonNegative(greylist, "delay");
        Duration retryWindow = nonNegative(greylist, "retry-window");
        Duration maxAge = nonNegative(greylist, "max-age");
        if (delay.compareTo(retryWindow) >= 0) {
            throw new ConfigException.BadValue(greylist.getValue("retry-window").origin(), PATH + "retry-window",
                    "must be longer than " + PATH + "delay (" + delay + "): no retry could pass");
        }
        int autoWhitelist = greylist.getInt("auto-whitelist");
        if (autoWhitelist < 0) {
            throw new ConfigException.BadValue(greylist.getValue("auto-whitelist").origin(),
                    PATH + "auto-whitelist", "must be 0 (off) or more, not " + autoWhitelist);
        }
        List<String> domains = greylist.getStringList("allow-domains");
        return new GreylistSettings(greylist.getBoolean("enabled"), delay, retryWindow, maxAge, autoWhitelist,
                ClientNetworks.parse(greylist.getStringList("allow-networks")),
                domains.stream().map(domain -> domain.toLowerCase(Locale.ROOT)).collect(Collectors.toSet()),
                positive(greylist, "sweep-interval"));
    }

    private static Duration positive(Config greylist, String key) {
        Duration duration = greylist.getDuration(key);
        if (duration.isNegative() || duration.isZero()) {
            throw new ConfigException.BadValue(greylist.getValue(key).origin(), PATH + key,
                    "must be positive, not " + duration);
        }
        return duration;
    }

    private static Duration nonNegative(Config greylist, String key) {
        Duration duration = greylist.getDuration(key);
        if (duration.isNegative()) {
            throw new ConfigException.BadValue(greylist.getValue(key).origin(), PATH + key,
                    "must not be negative, not " + duration);
        }
        return duration;
    }
}
