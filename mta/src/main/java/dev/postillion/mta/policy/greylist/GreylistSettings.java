package dev.postillion.mta.policy.greylist;

import com.typesafe.config.Config;
import dev.postillion.mta.smtp.ClientNetworks;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code postillion.greylist}, documented in mta's reference.conf.
 *
 * @param allowNetworks clients never greylisted
 * @param allowDomains sender domains never greylisted (lower case)
 */
public record GreylistSettings(boolean enabled, Duration delay, Duration retryWindow, Duration maxAge,
        int autoWhitelist, ClientNetworks allowNetworks, Set<String> allowDomains) {

    public static GreylistSettings from(Config greylist) {
        List<String> domains = greylist.getStringList("allow-domains");
        return new GreylistSettings(greylist.getBoolean("enabled"), greylist.getDuration("delay"),
                greylist.getDuration("retry-window"), greylist.getDuration("max-age"),
                greylist.getInt("auto-whitelist"), ClientNetworks.parse(greylist.getStringList("allow-networks")),
                domains.stream().map(domain -> domain.toLowerCase(Locale.ROOT)).collect(Collectors.toSet()));
    }
}
