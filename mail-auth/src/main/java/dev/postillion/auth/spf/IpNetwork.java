package dev.postillion.auth.spf;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;
import org.xbill.DNS.Address;

/**
 * A block of addresses as the ip4 and ip6 mechanisms name it (RFC 7208 section 5.6), and the ways
 * SPF writes a client's address.
 *
 * @param network the network's address, 4 or 16 octets
 * @param prefix the CIDR prefix length: how many leading bits must be equal
 */
record IpNetwork(byte[] network, int prefix) {

    /** {@code qnum} of RFC 7208 section 5.6: a decimal 0 to 255 without leading zeros. */
    private static final String QNUM = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9][0-9]|[0-9])";
    private static final Pattern IP4_NETWORK = Pattern.compile(QNUM + "(?:\\." + QNUM + "){3}");
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    IpNetwork {
        network = network.clone();
        if (prefix < 0 || prefix > network.length * 8) {
            throw new IllegalArgumentException("prefix length " + prefix + " out of range");
        }
    }

    /** Whether {@code address} (normalized, see {@link #normalized}) lies in this block; never across families. */
    boolean contains(InetAddress address) {
        byte[] octets = address.getAddress();
        if (octets.length != network.length) {
            return false;
        }
        int whole = prefix / 8;
        for (int i = 0; i < whole; i++) {
            if (octets[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return rest == 0 || (octets[whole] & mask) == (network[whole] & mask);
    }

    /** An {@code ip4-network} (RFC 7208 section 5.6): four decimal octets, no leading zeros. */
    static Optional<byte[]> parseIp4(String text) {
        if (!IP4_NETWORK.matcher(text).matches()) {
            return Optional.empty();
        }
        return Optional.ofNullable(Address.toByteArray(text, Address.IPv4));
    }

    /** An {@code ip6-network}: an IPv6 address in the text forms of RFC 4291 section 2.2. */
    static Optional<byte[]> parseIp6(String text) {
        if (text.isEmpty() || !text.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
            return Optional.empty();
        }
        return Optional.ofNullable(Address.toByteArray(text, Address.IPv6));
    }

    /**
     * The address SPF evaluates: an IPv4-mapped IPv6 address ({@code ::ffff:192.0.2.1}, RFC 4291
     * section 2.5.5.2) as the IPv4 address it is (RFC 7208 section 5).
     */
    static InetAddress normalized(InetAddress address) {
        byte[] octets = address.getAddress();
        if (octets.length == 16 && isMapped(octets)) {
            try {
                return InetAddress.getByAddress(Arrays.copyOfRange(octets, 12, 16));
            } catch (UnknownHostException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
        return address;
    }

    private static boolean isMapped(byte[] octets) {
        for (int i = 0; i < 10; i++) {
            if (octets[i] != 0) {
                return false;
            }
        }
        return octets[10] == (byte) 0xFF && octets[11] == (byte) 0xFF;
    }

    /**
     * The {@code i} macro (RFC 7208 section 7.3): IPv4 in dotted quad, IPv6 as 32 dot-separated hex
     * nibbles, most significant first (upper case, as the RFC's section 7.4 example writes them).
     */
    static String dotted(InetAddress address) {
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        StringBuilder nibbles = new StringBuilder(63);
        for (byte octet : address.getAddress()) {
            if (nibbles.length() > 0) {
                nibbles.append('.');
            }
            nibbles.append(HEX[(octet >> 4) & 0xF]).append('.').append(HEX[octet & 0xF]);
        }
        return nibbles.toString();
    }

    /** The {@code v} macro: "in-addr" for IPv4, "ip6" for IPv6 (RFC 7208 section 7.2). */
    static String version(InetAddress address) {
        return address instanceof Inet4Address ? "in-addr" : "ip6";
    }

    /** The name PTR records of the address are found under (RFC 1035 section 3.5, RFC 3596 section 2.5). */
    static String reverseName(InetAddress address) {
        String[] labels = dotted(address).split("\\.");
        StringBuilder name = new StringBuilder();
        for (int i = labels.length - 1; i >= 0; i--) {
            name.append(labels[i]).append('.');
        }
        return name.append(version(address)).append(".arpa").toString();
    }

    /**
     * The {@code c} macro (RFC 7208 section 7.2): IPv4 in dotted quad, IPv6 in the canonical text form
     * of RFC 5952 (lower case, the longest run of two or more zero groups as "::").
     */
    static String readable(InetAddress address) {
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        int[] groups = new int[8];
        byte[] octets = address.getAddress();
        for (int i = 0; i < 8; i++) {
            groups[i] = ((octets[2 * i] & 0xFF) << 8) | (octets[2 * i + 1] & 0xFF);
        }
        int[] run = longestZeroRun(groups);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == run[0]) {
                text.append("::");
                i += run[1] - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    /** Start and length of the first longest run of at least two zero groups; start -1 if none. */
    private static int[] longestZeroRun(int[] groups) {
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; i++) {
            int length = 0;
            while (i + length < groups.length && groups[i + length] == 0) {
                length++;
            }
            if (length > bestLength) {
                bestStart = i;
                bestLength = length;
            }
            i += length;
        }
        return new int[] {bestStart, bestLength};
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IpNetwork that && prefix == that.prefix && Arrays.equals(network, that.network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefix;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
