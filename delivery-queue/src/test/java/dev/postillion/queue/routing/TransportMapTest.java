package dev.postillion.queue.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class TransportMapTest {

    @Test
    void domainWithoutEntryGoesToItsMxHosts() {
        assertEquals(new NextHop("example.com", 25, true), map("").nextHop("Example.COM"));
    }

    @Test
    void entriesInPostfixNotation() {
        TransportMap map = map("""
                transport {
                  "literal.example" = "[192.0.2.25]:2525"
                  "ipv6.example" = "[2001:db8::25]:25"
                  "bracketed.example" = "[smtp.example.net]"
                  "mx.example" = "mail.example.net:587"
                  "plain.example" = "mail.example.net"
                }""");
        assertEquals(new NextHop("192.0.2.25", 2525, false), map.nextHop("literal.example"));
        assertEquals(new NextHop("2001:db8::25", 25, false), map.nextHop("ipv6.example"));
        assertEquals(new NextHop("smtp.example.net", 25, false), map.nextHop("bracketed.example"));
        assertEquals(new NextHop("mail.example.net", 587, true), map.nextHop("mx.example"));
        assertEquals(new NextHop("mail.example.net", 25, true), map.nextHop("plain.example"));
    }

    @Test
    void leadingDotMatchesSubdomainsOnlyNearestParentFirst() {
        TransportMap map = map("""
                transport {
                  ".example.com" = "[192.0.2.1]"
                  ".b.example.com" = "[192.0.2.2]"
                  "c.b.example.com" = "[192.0.2.3]"
                }""");
        assertEquals(new NextHop("example.com", 25, true), map.nextHop("example.com"));
        assertEquals(new NextHop("192.0.2.1", 25, false), map.nextHop("a.example.com"));
        assertEquals(new NextHop("192.0.2.2", 25, false), map.nextHop("x.b.example.com"));
        assertEquals(new NextHop("192.0.2.2", 25, false), map.nextHop("y.x.b.example.com"));
        assertEquals(new NextHop("192.0.2.3", 25, false), map.nextHop("c.b.example.com"));
        assertEquals(new NextHop("192.0.2.2", 25, false), map.nextHop("d.c.b.example.com"));
    }

    @Test
    void keysAndDomainsCompareLowerCased() {
        TransportMap map = map("transport { \"Example.COM\" = \"[Relay.Example.NET]\" }");
        assertEquals(new NextHop("relay.example.net", 25, false), map.nextHop("EXAMPLE.com"));
    }

    @Test
    void relayHostTakesEveryDomainWithoutEntry() {
        TransportMap map = map("""
                relay-host = "[smarthost.example.net]:2525"
                transport { "direct.example" = "direct.example" }""");
        assertEquals(new NextHop("smarthost.example.net", 2525, false), map.nextHop("example.com"));
        assertEquals(new NextHop("direct.example", 25, true), map.nextHop("direct.example"));
    }

    @Test
    void unquotedDomainKeyIsRefusedWithAHint() {
        ConfigException error = assertThrows(ConfigException.class, () -> map("transport { example.com = \"[192.0.2.1]\" }"));
        assertTrue(error.getMessage().contains("postillion.delivery.transport.example"), error.getMessage());
        assertTrue(error.getMessage().contains("write domain keys in quotes"), error.getMessage());
    }

    @Test
    void badEntriesAreRefusedNamingTheKey() {
        for (String value : new String[] {"[192.0.2.1", "[192.0.2.1]25", "host:99999", "host:", "two words", ""}) {
            ConfigException error = assertThrows(ConfigException.class, () -> map("transport { \"example.com\" = \"" + value + "\" }"), value);
            assertTrue(error.getMessage().contains("postillion.delivery.transport.\"example.com\""), error.getMessage());
        }
        ConfigException badKey = assertThrows(ConfigException.class, () -> map("transport { \"exa mple.com\" = \"[192.0.2.1]\" }"));
        assertTrue(badKey.getMessage().contains("neither a domain nor .domain"), badKey.getMessage());
    }

    @Test
    void badRelayHostIsRefusedNamingTheKey() {
        ConfigException error = assertThrows(ConfigException.class, () -> map("relay-host = \"[smarthost.example.net]:smtp\""));
        assertTrue(error.getMessage().contains("postillion.delivery.relay-host"), error.getMessage());
        assertTrue(error.getMessage().contains("\"smtp\" in \"[smarthost.example.net]:smtp\" is no port number"), error.getMessage());
    }

    private static TransportMap map(String delivery) {
        return TransportMap.from(ConfigFactory.parseString("postillion.delivery { " + delivery + " }").withFallback(ConfigFactory.defaultReference()));
    }
}
