package dev.postillion.core.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class DnssecSettingsTest {

    private static DnssecSettings settings(String dnssec) {
        return DnssecSettings.from(ConfigFactory.parseString("postillion.dns.dnssec { " + dnssec + " }")
                .withFallback(ConfigFactory.defaultReference()));
    }

    @Test
    void theRootKeySigningKeyIsTheDefaultAnchorAndLoads() {
        DnssecSettings settings = settings("");

        assertEquals(List.of(". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D"),
                settings.trustAnchors());
        assertTrue(settings.enabled());
        new SecureNameService(new DnsSettings(List.of(), java.time.Duration.ofSeconds(1), 1), settings,
                DnsLookups.uncounted());
    }

    @Test
    void noAnchorTurnsDnssecOff() {
        assertFalse(settings("trust-anchors = []").enabled());
    }

    @Test
    void anEntryThatIsNoDsOrDnskeyRecordIsRefusedWithTheKey() {
        ConfigException error = assertThrows(ConfigException.class,
                () -> settings("trust-anchors = [\"example. IN A 192.0.2.1\"]"));
        assertTrue(error.getMessage().contains("postillion.dns.dnssec.trust-anchors"), error.getMessage());
        assertTrue(error.getMessage().contains("not a DS or DNSKEY record in presentation format: example. IN A"),
                error.getMessage());
    }
}
