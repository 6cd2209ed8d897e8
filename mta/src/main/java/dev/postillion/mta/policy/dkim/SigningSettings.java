package dev.postillion.mta.policy.dkim;

import dev.postillion.auth.dkim.DkimException;
import dev.postillion.auth.dkim.DomainNames;
import dev.postillion.auth.dkim.KeyType;
import dev.postillion.auth.dkim.SigningAlgorithm;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.file.Path;

/**
 * The {@code postillion.dkim} settings of signing; documented in mta's reference.conf.
 *
 * @param ed25519Selector the start of the Ed25519 keys' selectors: the first keys are {@code ed1}
 *     for "ed", those of the next rotation {@code ed2}
 * @param rsaSelector the same for the RSA keys
 * @param masterKey the file of the key that seals the private keys at rest
 * @param generateMasterKey whether a missing master key file is generated: only at its default place
 */
public record SigningSettings(String ed25519Selector, String rsaSelector, Path masterKey, boolean generateMasterKey) {

    static final String DEFAULT_MASTER_KEY = "dkim-master.key";

    public SigningSettings {
        checkSelector(ed25519Selector);
        checkSelector(rsaSelector);
        if (ed25519Selector.equalsIgnoreCase(rsaSelector)) {
            throw new IllegalArgumentException("selectors.ed25519 and selectors.rsa must differ: each key needs its"
                    + " own record");
        }
    }

    /**
     * @param config the whole configuration, so that errors name the full key
     * @param dataDir where the master key is by default
     * @throws ConfigException naming the block of a value that is wrong
     */
    public static SigningSettings from(Config config, Path dataDir) {
        Config dkim = config.getConfig("postillion.dkim");
        String masterKey = dkim.getString("master-key");
        try {
            return new SigningSettings(dkim.getString("selectors.ed25519"), dkim.getString("selectors.rsa"),
                    masterKey.isBlank() ? dataDir.resolve(DEFAULT_MASTER_KEY) : Path.of(masterKey), masterKey.isBlank());
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(dkim.origin(), "postillion.dkim.selectors", e.getMessage(), e);
        }
    }

    /** The selector of generation {@code generation} of a key: the configured start and the number. */
    String selector(SigningAlgorithm algorithm, int generation) {
        return (algorithm.keyType() == KeyType.RSA ? rsaSelector : ed25519Selector) + generation;
    }

    /** A selector is a DNS label sequence (RFC 6376 section 3.1); with a number after it, it must stay one. */
    private static void checkSelector(String start) {
        try {
            DomainNames.selector(start + "1");
        } catch (DkimException e) {
            throw new IllegalArgumentException("bad selector start \"" + start + "\": letters, digits, '-', '_' and"
                    + " dots between labels");
        }
    }
}
