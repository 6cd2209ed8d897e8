package dev.postillion.auth.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code postillion.dkim} in reference.conf. */
class DkimSettingsTest {

    @Test
    void referenceConfHasTheDefaults() {
        assertEquals(DkimSettings.DEFAULTS, DkimSettings.from(ConfigFactory.load()));
    }

    @Test
    void valuesAreRead() {
        Config config = ConfigFactory.parseString(
                "postillion.dkim { enabled = false, max-signatures = 3, clock-skew = 30s, min-rsa-key-bits = 2048 }");
        assertEquals(new DkimSettings(false, 3, Duration.ofSeconds(30), 2048), DkimSettings.from(config));
    }

    /** RFC 8301 section 3.2 is not a setting. */
    @Test
    void keysUnder1024BitsCannotBeAllowed() {
        Config config = ConfigFactory.parseString("postillion.dkim.min-rsa-key-bits = 512")
                .withFallback(ConfigFactory.load());
        ConfigException e = assertThrows(ConfigException.BadValue.class, () -> DkimSettings.from(config));
        assertTrue(e.getMessage().contains("min-rsa-key-bits"), e.getMessage());
    }
}
