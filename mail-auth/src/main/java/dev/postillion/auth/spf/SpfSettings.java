package dev.postillion.auth.spf;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * {@code postillion.spf} settings; documented in mail-auth's reference.conf.
 *
 * @param enabled whether the SMTP service checks SPF at all
 * @param timeout how long one check may take in all, over every DNS question, before it is a
 *     temperror (RFC 7208 section 4.6.4 asks for a limit of at least 20 seconds)
 * @param voidLookupLimit how many DNS questions of mechanisms may find nothing (NXDOMAIN or NODATA)
 *     before the check is a permerror (RFC 7208 section 4.6.4 recommends 2)
 */
public record SpfSettings(boolean enabled, Duration timeout, int voidLookupLimit) {

    /** RFC 7208's recommendations: 20 seconds, 2 void lookups. */
    public static final SpfSettings DEFAULTS = new SpfSettings(true, Duration.ofSeconds(20), 2);

    public SpfSettings {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        if (voidLookupLimit < 0) {
            throw new IllegalArgumentException("void lookup limit must not be negative");
        }
    }

    /**
     * @param config the whole configuration, so that errors name the full key
     * @throws ConfigException naming the key of a value that is wrong
     */
    public static SpfSettings from(Config config) {
        Config spf = config.getConfig("postillion.spf");
        Duration timeout = spf.getDuration("timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new ConfigException.BadValue(spf.getValue("timeout").origin(), "postillion.spf.timeout",
                    "must be positive");
        }
        int voids = spf.getInt("void-lookup-limit");
        if (voids < 0) {
            throw new ConfigException.BadValue(spf.getValue("void-lookup-limit").origin(),
                    "postillion.spf.void-lookup-limit", "must not be negative");
        }
        return new SpfSettings(spf.getBoolean("enabled"), timeout, voids);
    }
}
