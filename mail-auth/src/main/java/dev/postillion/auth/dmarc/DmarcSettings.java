package dev.postillion.auth.dmarc;

import com.typesafe.config.Config;

/**
 * {@code postillion.dmarc} settings; documented in mail-auth's reference.conf.
 *
 * @param enabled whether inbound mail is evaluated at all
 */
public record DmarcSettings(boolean enabled) {

    /** The reference.conf defaults. */
    public static final DmarcSettings DEFAULTS = new DmarcSettings(true);

    /** @param config the whole configuration */
    public static DmarcSettings from(Config config) {
        return new DmarcSettings(config.getConfig("postillion.dmarc").getBoolean("enabled"));
    }
}
