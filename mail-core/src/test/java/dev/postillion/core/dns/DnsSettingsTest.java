package dev.postillion.core.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DnsSettingsTest {

    @Test
    void defaultsAskTheSystemsServers() {
        assertEquals(new DnsSettings(List.of(), Duration.ofSeconds(10), 2), settings(""));
    }

    @Test
    void serversAreAddressesWithAnOptionalPort() throws UnknownHostException {
        DnsSettings settings = settings("servers = [\"192.0.2.53\", \"192.0.2.54:5353\", \"2001:db8::53\", \"[2001:db8::54]:5353\"]");
        assertEquals(List.of(
                        new InetSocketAddress(InetAddress.getByName("192.0.2.53"), 53),
                        new InetSocketAddress(InetAddress.getByName("192.0.2.54"), 5353),
                        new InetSocketAddress(InetAddress.getByName("2001:db8::53"), 53),
                        new InetSocketAddress(InetAddress.getByName("2001:db8::54"), 5353)),
                settings.servers());
    }

    @Test
    void serverNamedByHostNameIsRefusedNamingTheKey() {
        ConfigException error = assertThrows(ConfigException.class, () -> settings("servers = [\"dns.example.net\"]"));
        assertTrue(error.getMessage().contains("postillion.dns.servers"), error.getMessage());
        assertTrue(error.getMessage().contains("\"dns.example.net\" is not an IP address"), error.getMessage());
    }

    @Test
    void badPortIsRefusedNamingTheKey() {
        ConfigException error = assertThrows(ConfigException.class, () -> settings("servers = [\"192.0.2.53:99999\"]"));
        assertTrue(error.getMessage().contains("postillion.dns.servers"), error.getMessage());
    }

    @Test
    void timeoutAndAttemptsMustBePositive() {
        assertTrue(assertThrows(ConfigException.class, () -> settings("timeout = 0s")).getMessage().contains("postillion.dns.timeout"));
        assertTrue(assertThrows(ConfigException.class, () -> settings("attempts = 0")).getMessage().contains("postillion.dns.attempts"));
    }

    private static DnsSettings settings(String dns) {
        return DnsSettings.from(ConfigFactory.parseString("postillion.dns { " + dns + " }").withFallback(ConfigFactory.defaultReference()));
    }
}
