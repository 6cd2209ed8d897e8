package dev.postillion.mta.policy.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.postillion.auth.dkim.SigningAlgorithm;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The signing part of {@code postillion.dkim} in reference.conf. */
class SigningSettingsTest {

    private static final Path DATA = Path.of("/var/lib/postillion");

    @Test
    void referenceConfHasTheDefaults() {
        SigningSettings settings = SigningSettings.from(ConfigFactory.load(), DATA);
        assertEquals(new SigningSettings("ed", "rsa", DATA.resolve("dkim-master.key"), true), settings);
        assertEquals("ed1", settings.selector(SigningAlgorithm.ED25519_SHA256, 1));
        assertEquals("rsa2", settings.selector(SigningAlgorithm.RSA_SHA256, 2));
    }

    @Test
    void aConfiguredMasterKeyIsNeverGenerated() {
        Config config = ConfigFactory.parseString("postillion.dkim.master-key = \"/etc/postillion/dkim.key\"")
                .withFallback(ConfigFactory.load());
        assertEquals(new SigningSettings("ed", "rsa", Path.of("/etc/postillion/dkim.key"), false),
                SigningSettings.from(config, DATA));
    }

    @Test
    void badSelectorsStopTheStart() {
        assertEquals("Invalid value at 'postillion.dkim.selectors': bad selector start \"ed 25519\":"
                + " letters, digits, '-', '_' and dots between labels", refused("ed 25519", "rsa"));
        assertEquals("Invalid value at 'postillion.dkim.selectors': selectors.ed25519 and"
                + " selectors.rsa must differ: each key needs its own record", refused("k", "K"));
    }

    private static String refused(String ed25519, String rsa) {
        Config config = ConfigFactory.parseString("postillion.dkim.selectors { ed25519 = \"" + ed25519 + "\", rsa = \""
                + rsa + "\" }").withFallback(ConfigFactory.load());
        String message = assertThrows(ConfigException.BadValue.class, () -> SigningSettings.from(config, DATA)).getMessage();
        return message.substring(message.indexOf("Invalid value")); // after the origin, "merge of ..." here
    }
}
