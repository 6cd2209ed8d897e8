package dev.postillion.mta.policy.greylist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GreylistSettingsTest {

    private static GreylistSettings settings(String overrides) {
        Config greylist = ConfigFactory.parseString(overrides)
                .withFallback(ConfigFactory.defaultReference().getConfig("postillion.greylist"));
        return GreylistSettings.from(greylist);
    }

    @Test
    void theDefaultsAreValidAndZeroTurnsTheAutoWhitelistOff() {
        GreylistSettings defaults = settings("");
        assertEquals(Duration.ofMinutes(5), defaults.delay());
        assertEquals(5, defaults.autoWhitelist());
        assertEquals(0, settings("auto-whitelist = 0").autoWhitelist());
        assertEquals(Duration.ZERO, settings("delay = 0s").delay());
    }

    @Test
    void negativeDurationsAndCountsAreRefusedByName() {
        assertRefused("delay = -1m", "postillion.greylist.delay");
        assertRefused("retry-window = -2d", "postillion.greylist.retry-window");
        assertRefused("max-age = -1s", "postillion.greylist.max-age");
        assertRefused("auto-whitelist = -1", "postillion.greylist.auto-whitelist");
    }

    @Test
    void aDelayNotShorterThanTheRetryWindowIsRefused() {
        assertRefused("delay = 2d", "postillion.greylist.retry-window");
        assertRefused("delay = 3d", "postillion.greylist.retry-window");
    }

    private static void assertRefused(String overrides, String key) {
        ConfigException.BadValue error = assertThrows(ConfigException.BadValue.class, () -> settings(overrides));
        assertTrue(error.getMessage().contains(key), () -> "'" + error.getMessage() + "' should name " + key);
    }
}
