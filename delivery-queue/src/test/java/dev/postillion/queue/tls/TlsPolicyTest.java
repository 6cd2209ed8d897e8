package dev.postillion.queue.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.postillion.queue.routing.NextHop;
import org.junit.jupiter.api.Test;

class TlsPolicyTest {

    private static TlsPolicy policy(String tls) {
        return TlsPolicy.from(ConfigFactory.parseString("postillion.delivery.tls { " + tls + " }")
                .withFallback(ConfigFactory.defaultReference()));
    }

    @Test
    void daneIsTheDefaultLevel() {
        assertEquals(TlsLevel.DANE, policy("").level(new NextHop("example.com", 25, true)));
    }

    @Test
    void aNextHopsOwnEntryBeatsItsParentsAndTheLevel() {
        TlsPolicy policy = policy("""
                level = may
                policy { "example.com" = encrypt, ".example.com" = dane-only, "10.0.0.5" = none }
                """);

        assertEquals(TlsLevel.ENCRYPT, policy.level(new NextHop("example.com", 25, true)));
        assertEquals(TlsLevel.DANE_ONLY, policy.level(new NextHop("mx.example.com", 25, false)));
        assertEquals(TlsLevel.NONE, policy.level(new NextHop("10.0.0.5", 2525, false)));
        assertEquals(TlsLevel.MAY, policy.level(new NextHop("example.org", 25, true)));
    }

    @Test
    void anUnknownLevelNamesTheKeyAndTheLevels() {
        ConfigException error = assertThrows(ConfigException.class,
                () -> policy("policy { \"example.com\" = require }"));
        assertTrue(error.getMessage().contains("postillion.delivery.tls.policy.\"example.com\""), error.getMessage());
        assertTrue(error.getMessage().contains("\"require\" is no TLS level; one of none, may, encrypt, dane, dane-only"),
                error.getMessage());

        ConfigException level = assertThrows(ConfigException.class, () -> policy("level = secure"));
        assertTrue(level.getMessage().contains("postillion.delivery.tls.level"), level.getMessage());
    }
}
