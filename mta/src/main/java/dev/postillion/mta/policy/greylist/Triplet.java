package dev.postillion.mta.policy.greylist;

import dev.postillion.core.EmailAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What greylisting remembers an attempt by: the client's network, the envelope sender and the
 * recipient, each normalised so that the retry of one message matches its first attempt.
 *
 * <ul>
 *   <li>The network, not the address: an IPv4 /24 or an IPv6 /64, as big senders retry from
 *       another host of the same farm.
 *   <li>The sender lower-cased, a {@code +extension} of the local part dropped, and every run of
 *       digits made one {@code #}: per-message VERP and BATV senders
 *       ({@code bounces-1234-5678@list.example}) then match their retry.
 *   <li>The recipient lower-cased.
 * </ul>
 *
 * @param network such as {@code 192.0.2.0/24} or {@code 2001:db8:1:2::/64}
 * @param sender the normalised sender; {@code <>} for the null sender
 */
public record Triplet(String network, String sender, String recipient) {

    private static final char SEPARATOR = '|';

    public static Triplet of(InetAddress client, Optional<EmailAddress> sender, EmailAddress recipient) {
        return new Triplet(network(client), sender.map(Triplet::normalisedSender).orElse("<>"), recipient.key());
    }

    /** The client's /24 (IPv4, also when seen as IPv4-mapped IPv6) or /64 (IPv6). */
    public static String network(InetAddress client) {
        byte[] address = client.getAddress();
        if (address.length == 16 && isIpv4Mapped(address)) {
            address = Arrays.copyOfRange(address, 12, 16);
        }
        int prefix = address.length == 4 ? 24 : 64;
        byte[] network = Arrays.copyOf(Arrays.copyOf(address, prefix / 8), address.length);
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 octets are an address", e);
        }
    }

    private static boolean isIpv4Mapped(byte[] address) {
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[10] == (byte) 0xFF && address[11] == (byte) 0xFF;
    }

    private static String normalisedSender(EmailAddress sender) {
        String local = sender.localPart().toLowerCase(Locale.ROOT);
        int plus = local.indexOf('+');
        if (plus > 0) {
            local = local.substring(0, plus);
        }
        return local.replaceAll("[0-9]+", "#") + "@" + sender.domainKey();
    }

    /**
     * The store key and sharding entity id: the three parts joined by {@code |}, in each part
     * {@code %} written {@code %25} and {@code |} written {@code %7C}. A local part may hold
     * either ({@code a|b@example.com} is a valid sender and recipient), so escaping them keeps
     * every key three parts that {@link #fromKey} gives back.
     */
    public String key() {
        return escape(network) + SEPARATOR + escape(sender) + SEPARATOR + escape(recipient);
    }

    /**
     * The triplet of a {@link #key()}. A {@code %} followed by neither {@code 25} nor {@code 7C}
     * is read as itself, as in keys written before parts were escaped.
     *
     * @throws IllegalArgumentException when {@code key} is not three parts
     */
    public static Triplet fromKey(String key) {
        String[] parts = key.split("\\|", -1);
        if (parts.length != 3 || Arrays.stream(parts).anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("'" + key + "' is not network|sender|recipient");
        }
        return new Triplet(unescape(parts[0]), unescape(parts[1]), unescape(parts[2]));
    }

    private static String escape(String part) {
        return part.replace("%", "%25").replace("|", "%7C");
    }

    private static String unescape(String part) {
        if (part.indexOf('%') < 0) {
            return part;
        }
        StringBuilder text = new StringBuilder(part.length());
        for (int i = 0; i < part.length(); i++) {
            if (part.startsWith("%25", i)) {
                text.append('%');
                i += 2;
            } else if (part.regionMatches(true, i, "%7C", 0, 3)) {
                text.append(SEPARATOR);
                i += 2;
            } else {
                text.append(part.charAt(i));
            }
        }
        return text.toString();
    }

    /** The recipient's and the sender's domains, for the allow-listed domains. */
    String senderDomain() {
        int at = sender.lastIndexOf('@');
        return at < 0 ? "" : sender.substring(at + 1);
    }
}
