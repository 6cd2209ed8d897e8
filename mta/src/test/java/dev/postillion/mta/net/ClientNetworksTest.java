package dev.postillion.mta.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientNetworksTest {

    @Test
    void clientsAreCountedByIpv4AddressOrIpv6Slash64() throws Exception {
        assertEquals("192.0.2.7", ClientNetworks.clientKey(InetAddress.getByName("192.0.2.7")));
        assertEquals("192.0.2.7", ClientNetworks.clientKey(InetAddress.getByName("::ffff:192.0.2.7")));
        assertEquals("2001:db8:1:2:0:0:0:0/64", ClientNetworks.clientKey(InetAddress.getByName("2001:db8:1:2::99")));
        assertEquals(ClientNetworks.clientKey(InetAddress.getByName("2001:db8:1:2:aaaa::1")),
                ClientNetworks.clientKey(InetAddress.getByName("2001:db8:1:2:bbbb::2")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "10.1.0.0/16|10.1.0.0|true",
            "10.1.0.0/16|10.1.255.255|true",
            "10.1.0.0/16|10.2.0.1|false",
            "10.1.0.0/16|10.0.255.255|false",
            "192.0.2.128/25|192.0.2.200|true",
            "192.0.2.128/25|192.0.2.127|false",
            "192.0.2.7/32|192.0.2.7|true",
            "192.0.2.7/32|192.0.2.6|false",
            "192.0.2.7|192.0.2.7|true",
            "192.0.2.7|192.0.2.8|false",
            "0.0.0.0/0|198.51.100.1|true",
            "0.0.0.0/0|2001:db8::1|false",
            "::1/128|::1|true",
            "::1/128|::2|false",
            "::1|::1|true",
            "2001:db8::/32|2001:db8:ffff::1|true",
            "2001:db8::/32|2001:db9::1|false",
            "2001:db8:0:80::/57|2001:db8:0:ff::1|true",
            "2001:db8:0:80::/57|2001:db8:0:7f::1|false",
            "::/0|2001:db8::1|true",
            "::/0|198.51.100.1|false",
            "127.0.0.0/8|::1|false",
            "::1/128|127.0.0.1|false"})
    void matchesAddressesInsideTheBlock(String network, String client, boolean inside) throws UnknownHostException {
        assertEquals(inside, ClientNetworks.parse(List.of(network)).contains(InetAddress.getByName(client)));
    }

    @Test
    void anyOfSeveralBlocksWillDo() throws UnknownHostException {
        ClientNetworks networks = ClientNetworks.parse(List.of("127.0.0.0/8", "10.1.0.0/16", "::1/128"));
        assertTrue(networks.contains(InetAddress.getByName("10.1.2.3")));
        assertTrue(networks.contains(InetAddress.getByName("::1")));
        assertFalse(networks.contains(InetAddress.getByName("10.2.0.1")));
    }

    @Test
    void noBlocksMatchNobody() throws UnknownHostException {
        assertFalse(ClientNetworks.parse(List.of()).contains(InetAddress.getByName("127.0.0.1")));
    }

    /** RFC 4291 section 2.5.5.2: an IPv4 client on an IPv6 socket is ::ffff:a.b.c.d. */
    @Test
    void anIpv4MappedClientMatchesTheIpv4Blocks() throws UnknownHostException {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, 10, 1, 2, 3};
        InetAddress client = Inet6Address.getByAddress(null, mapped, -1);
        assertTrue(client instanceof Inet6Address);
        assertTrue(ClientNetworks.parse(List.of("10.1.0.0/16")).contains(client));
        assertFalse(ClientNetworks.parse(List.of("10.2.0.0/16")).contains(client));
        assertFalse(ClientNetworks.parse(List.of("::/0")).contains(client));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "10.0.0.0/33|the prefix length must be a number from 0 to 32",
            "::1/129|the prefix length must be a number from 0 to 128",
            "10.0.0.0/|the prefix length must be a number from 0 to 32",
            "10.0.0.0/-1|the prefix length must be a number from 0 to 32",
            "10.0.0.0/ 8|the prefix length must be a number from 0 to 32",
            "10.0.0.0/8/8|the prefix length must be a number from 0 to 32",
            "10.0.0.0/8:1|the prefix length must be a number from 0 to 32",
            "10.1.2.3/16|host bits are set after the first 16; the network is 10.1.0.0/16",
            "2001:db8::1/32|host bits are set after the first 32; the network is 2001:db8:0:0:0:0:0:0/32",
            "10.0.0/8|not an IPv4 address (four decimal numbers joined by dots)",
            "/8|not an IPv4 address (four decimal numbers joined by dots)",
            "mail.example.com/24|not an IPv4 address (four decimal numbers joined by dots)",
            "256.0.0.0/8|not an IPv4 address: \"256\" is not a number from 0 to 255",
            "010.0.0.0/8|not an IPv4 address: \"010\" is not a number from 0 to 255",
            "10..0.0/8|not an IPv4 address: \"\" is not a number from 0 to 255",
            "fe80::1%eth0|not an IPv6 address (hexadecimal digits, colons and dots only)",
            "[::1]/128|not an IPv6 address (hexadecimal digits, colons and dots only)",
            "example:com/64|not an IPv6 address (hexadecimal digits, colons and dots only)",
            "1::2::3/64|not an IPv6 address",
            "1.2.3.4:25|not an IPv6 address",
            "::ffff:10.0.0.0/104|an IPv4-mapped network is written as IPv4, e.g. 192.0.2.0/24"})
    void aBadEntryIsNamedWithItsProblem(String entry, String problem) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ClientNetworks.parse(List.of("127.0.0.0/8", entry)));
        assertEquals("bad network \"" + entry + "\": " + problem, refused.getMessage());
    }

    @Test
    void anEmptyEntryIsBad() {
        assertEquals("bad network \"\": not an IPv4 address (four decimal numbers joined by dots)",
                assertThrows(IllegalArgumentException.class, () -> ClientNetworks.parse(List.of(""))).getMessage());
    }
}
