package dev.postillion.mta.policy.spam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SpamSettingsTest {

    private static SpamSettings settings(String overrides) {
        return SpamSettings.from(ConfigFactory.parseString(overrides)
                .withFallback(ConfigFactory.defaultReference().getConfig("postillion.spam")));
    }

    @Test
    void theDefaultsScanNothingAndAUrlTurnsTheFilterOn() {
        SpamSettings defaults = settings("");
        assertFalse(defaults.enabled());
        assertEquals(Optional.empty(), defaults.controller());
        assertEquals(SpamSettings.Mode.JUNK, defaults.mode());
        assertEquals(SpamSettings.OnFailure.ACCEPT, defaults.onFailure());
        assertEquals(Duration.ofSeconds(10), defaults.timeout());
        assertEquals(2 * 1024 * 1024, defaults.maxSize());

        SpamSettings on = settings("rspamd.url = \"http://127.0.0.1:11333\", mode = reject, on-failure = tempfail");
        assertEquals(Optional.of(URI.create("http://127.0.0.1:11333/")), on.scanner());
        assertEquals(SpamSettings.Mode.REJECT, on.mode());
        assertEquals(SpamSettings.OnFailure.TEMPFAIL, on.onFailure());
    }

    @Test
    void badValuesAreRefusedByName() {
        assertRefused("mode = drop", "mode", "must be one of [junk, reject, headers], not 'drop'");
        assertRefused("on-failure = ACCEPT", "on-failure", "must be one of [accept, tempfail], not 'ACCEPT'");
        assertRefused("rspamd.url = \"127.0.0.1:11333\"", "rspamd.url",
                "must be an http URL such as http://127.0.0.1:11333, not '127.0.0.1:11333'");
        assertRefused("rspamd.timeout = 0s", "rspamd.timeout", "must be positive, not PT0S");
        assertRefused("max-size = 0", "max-size", "must be positive, not 0");
    }

    private static void assertRefused(String overrides, String key, String problem) {
        String message = assertThrows(ConfigException.BadValue.class, () -> settings(overrides)).getMessage();
        String expected = "Invalid value at 'postillion.spam." + key + "': " + problem;
        assertEquals(true, message.endsWith(expected), () -> "'" + message + "' should end in " + expected);
    }
}
