package dev.postillion.mta.policy.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** postillion.limits as the start reads it: the reserved connections must leave some for everyone else. */
class LimitSettingsTest {

    @Test
    void theDefaultsReserveFiftyOfAThousandConnections() {
        LimitSettings settings = LimitSettings.from(limits(Map.of()));
        assertEquals(1000, settings.maxConnections());
        assertEquals(50, settings.reservedConnections());
    }

    @Test
    void reservingAllConnectionsStopsTheStartNamingTheSetting() {
        ConfigException.BadValue refused = assertThrows(ConfigException.BadValue.class, () -> LimitSettings.from(
                limits(Map.of("max-connections", 10, "reserved-connections", 10))));
        assertTrue(refused.getMessage().contains("postillion.limits.reserved-connections"), refused.getMessage());
        assertTrue(refused.getMessage().contains("must be less than max-connections (10), not 10"), refused.getMessage());
    }

    @Test
    void withoutAnOverallLimitNothingNeedsReserving() {
        assertEquals(50, LimitSettings.from(limits(Map.of("max-connections", 0))).reservedConnections());
    }

    @Test
    void theSendingLimitsDefaultToAnIspsAndANegativeOneStopsTheStart() {
        LimitSettings settings = LimitSettings.from(limits(Map.of()));
        assertEquals(Map.of(SendingLimit.MESSAGES_PER_HOUR, 200, SendingLimit.MESSAGES_PER_DAY, 1000,
                SendingLimit.RECIPIENTS_PER_HOUR, 1000, SendingLimit.RECIPIENTS_PER_DAY, 5000), settings.sending());
        assertTrue(settings.limitsSending());
        ConfigException.BadValue refused = assertThrows(ConfigException.BadValue.class, () -> LimitSettings.from(
                limits(Map.of("sending.recipients-per-day", -1))));
        assertTrue(refused.getMessage().contains("postillion.limits.sending.recipients-per-day"), refused.getMessage());
        assertFalse(LimitSettings.from(limits(Map.of("sending", Map.of("messages-per-hour", 0, "messages-per-day", 0,
                "recipients-per-hour", 0, "recipients-per-day", 0)))).limitsSending());
    }

    private static Config limits(Map<String, ?> overrides) {
        return ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.defaultReference().getConfig("postillion.limits"));
    }
}
