package dev.postillion.mta.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Networks of SMTP clients given as CIDR blocks (RFC 4632 for IPv4, RFC 4291 section 2.3 for
 * IPv6), such as {@code postillion.smtp.relay-networks}, Postfix's mynetworks. An entry without a
 * prefix length is one host. An IPv4 client seen through an IPv6 socket, as an IPv4-mapped
 * address {@code ::ffff:a.b.c.d} (RFC 4291 section 2.5.5.2), is matched as the IPv4 address it is.
 */
public final class ClientNetworks {

    /** The network's address (4 or 16 octets, host bits zero) and how many leading bits count. */
    private record Cidr(byte[] network, int prefixLength) {

        boolean contains(byte[] address) {
            return address.length == network.length && Arrays.equals(masked(address, prefixLength), network);
        }
    }

    private static final byte[] IPV4_MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF};

    private final List<Cidr> networks;

    private ClientNetworks(List<Cidr> networks) {
        this.networks = List.copyOf(networks);
    }

    /**
     * @param entries such as {@code "10.1.0.0/16"}, {@code "2001:db8::/32"}, {@code "::1"}
     * @throws IllegalArgumentException naming the first bad entry and what is wrong with it
     */
    public static ClientNetworks parse(List<String> entries) {
        List<Cidr> networks = new ArrayList<>();
        for (String entry : entries) {
            try {
                networks.add(parseEntry(entry));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad network \"" + entry + "\": " + e.getMessage(), e);
            }
        }
        return new ClientNetworks(networks);
    }

    /**
     * What one client is counted as by the per-client limits: an IPv4 address (also when seen as
     * IPv4-mapped IPv6), or an IPv6 /64, since one IPv6 host is usually given a whole /64 and could
     * otherwise take a fresh address for every connection (RFC 4291 section 2.5.1).
     */
    public static String clientKey(InetAddress client) {
        byte[] address = client.getAddress();
        if (address.length == 16 && Arrays.equals(address, 0, 12, IPV4_MAPPED_PREFIX, 0, 12)) {
            address = Arrays.copyOfRange(address, 12, 16);
        }
        if (address.length == 4) {
            return hostAddress(address);
        }
        return hostAddress(masked(address, 64)) + "/64";
    }

    /** True if {@code client} is inside one of the networks. */
    public boolean contains(InetAddress client) {
        byte[] address = client.getAddress();
        if (address.length == 16 && Arrays.equals(address, 0, 12, IPV4_MAPPED_PREFIX, 0, 12)) {
            address = Arrays.copyOfRange(address, 12, 16);
        }
        for (Cidr network : networks) {
            if (network.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static Cidr parseEntry(String entry) {
        int slash = entry.indexOf('/');
        String text = slash < 0 ? entry : entry.substring(0, slash);
        byte[] network = text.indexOf(':') < 0 ? parseIpv4(text) : parseIpv6(text);
        int bits = network.length * 8;
        String length = slash < 0 ? String.valueOf(bits) : entry.substring(slash + 1);
        if (!length.matches("[0-9]{1,3}") || Integer.parseInt(length) > bits) {
            throw new IllegalArgumentException("the prefix length must be a number from 0 to " + bits);
        }
        int prefixLength = Integer.parseInt(length);
        // A block with host bits set (10.1.2.3/16) is most likely a typing error: say which network
        // it would mean rather than guess what was meant.
        byte[] masked = masked(network, prefixLength);
        if (!Arrays.equals(masked, network)) {
            throw new IllegalArgumentException("host bits are set after the first " + prefixLength
                    + "; the network is " + hostAddress(masked) + "/" + prefixLength);
        }
        return new Cidr(network, prefixLength);
    }

    /** Four decimal octets without leading zeros, which some parsers would read as octal. */
    private static byte[] parseIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address (four decimal numbers joined by dots)");
        }
        byte[] address = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (!parts[i].matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(parts[i]) > 255) {
                throw new IllegalArgumentException(
                        "not an IPv4 address: \"" + parts[i] + "\" is not a number from 0 to 255");
            }
            address[i] = (byte) Integer.parseInt(parts[i]);
        }
        return address;
    }

    /**
     * RFC 4291 section 2.2 text forms. Only hexadecimal digits, colons and dots reach the JDK's
     * parser, which for such text never asks DNS; zone indexes ({@code %eth0}) and brackets are
     * refused here.
     */
    private static byte[] parseIpv6(String text) {
        if (!text.matches("[0-9A-Fa-f:][0-9A-Fa-f:.]*")) {
            throw new IllegalArgumentException("not an IPv6 address (hexadecimal digits, colons and dots only)");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv6 address");
        }
        if (address instanceof Inet4Address) {
            // The JDK turns ::ffff:a.b.c.d into the IPv4 address; so do clients (see contains).
            throw new IllegalArgumentException("an IPv4-mapped network is written as IPv4, e.g. 192.0.2.0/24");
        }
        return address.getAddress();
    }

    private static byte[] masked(byte[] address, int prefixLength) {
        byte[] masked = address.clone();
        for (int bit = prefixLength; bit < masked.length * 8; bit++) {
            masked[bit / 8] &= (byte) ~(0x80 >> (bit % 8));
        }
        return masked;
    }

    private static String hostAddress(byte[] address) {
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 octets are always an address", e);
        }
    }
}
