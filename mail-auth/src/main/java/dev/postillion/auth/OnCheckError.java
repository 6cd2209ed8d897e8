package dev.postillion.auth;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * What becomes of a message whose SPF, DKIM and DMARC checks could not run at all, a fault of
 * ours rather than a DNS temperror, which the checks record themselves
 * ({@code postillion.auth-checks.on-error}, documented in mail-auth's reference.conf).
 */
public enum OnCheckError {
    /** 451 4.7.1: the client tries again later, as Postfix answers with milter_default_action = tempfail. */
    DEFER,
    /** Spooled without a verdict, as with Postfix's milter_default_action = accept. */
    ACCEPT;

    private static final String KEY = "postillion.auth-checks.on-error";

    /**
     * @param config the whole configuration, so that errors name the full key
     * @throws ConfigException naming the key when the value is neither {@code defer} nor {@code accept}
     */
    public static OnCheckError from(Config config) {
        return switch (config.getString(KEY)) {
            case "defer" -> DEFER;
            case "accept" -> ACCEPT;
            default -> throw new ConfigException.BadValue(config.getValue(KEY).origin(), KEY,
                    "must be defer or accept");
        };
    }
}
