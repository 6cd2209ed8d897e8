package dev.postillion.auth.dkim;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * {@code postillion.dkim} settings; documented in mail-auth's reference.conf.
 *
 * @param enabled whether inbound mail is verified at all
 * @param maxSignatures how many DKIM-Signature fields of one message are verified; the rest are
 *     reported neutral (RFC 6376 section 8.4: a verifier may limit its work)
 * @param clockSkew leeway for {@code x=} against our clock (RFC 6376 section 3.5 allows some)
 * @param minRsaKeyBits the smallest RSA key accepted; never below RFC 8301's 1024
 */
public record DkimSettings(boolean enabled, int maxSignatures, Duration clockSkew, int minRsaKeyBits) {

    /** RFC 8301 section 3.2: verifiers must not consider signatures with shorter RSA keys valid. */
    public static final int RFC_8301_MIN_RSA_BITS = 1024;

    /** The reference.conf defaults. */
    public static final DkimSettings DEFAULTS =
            new DkimSettings(true, 10, Duration.ofMinutes(5), RFC_8301_MIN_RSA_BITS);

    public DkimSettings {
        if (maxSignatures < 1) {
            throw new IllegalArgumentException("max-signatures must be at least 1");
        }
        if (clockSkew.isNegative()) {
            throw new IllegalArgumentException("clock-skew must not be negative");
        }
        if (minRsaKeyBits < RFC_8301_MIN_RSA_BITS) {
            throw new IllegalArgumentException("min-rsa-key-bits must be at least " + RFC_8301_MIN_RSA_BITS
                    + " (RFC 8301 section 3.2)");
        }
    }

    /**
     * @param config the whole configuration, so that errors name the full key
     * @throws ConfigException naming the block of a value that is wrong
     */
    public static DkimSettings from(Config config) {
        Config dkim = config.getConfig("postillion.dkim");
        try {
            return new DkimSettings(dkim.getBoolean("enabled"), dkim.getInt("max-signatures"),
                    dkim.getDuration("clock-skew"), dkim.getInt("min-rsa-key-bits"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(dkim.origin(), "postillion.dkim", e.getMessage(), e);
        }
    }
}
