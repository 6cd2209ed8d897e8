package dev.postillion.core.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.xbill.DNS.Address;

/**
 * An IP address written as text, told apart from a host name without asking DNS (as
 * {@link InetAddress#getByName} would for a name).
 */
public final class IpLiteral {

    private IpLiteral() {}

    /** The address {@code text} spells, IPv4 dotted quad or IPv6 (RFC 4291 section 2.2); empty for anything else. */
    public static Optional<InetAddress> parse(String text) {
        byte[] bytes = Address.toByteArray(text, Address.IPv4);
        if (bytes == null) {
            bytes = Address.toByteArray(text, Address.IPv6);
        }
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + bytes.length + " bytes", e);
        }
    }
}
