package dev.postillion.auth.spf;

import java.net.InetAddress;
import java.util.concurrent.CompletionStage;

/**
 * The DNS questions an SPF check asks (RFC 7208 section 4.4 and 5), asynchronously: every method
 * returns at once, and the stage completes with a {@link DnsAnswer}, never exceptionally. Names
 * are absolute (no search domains) and compared without regard to case; CNAME chains are followed
 * by the implementation.
 *
 * <p>The production implementation is {@link DnsjavaSpfDns}; tests serve zone data from memory.
 */
public interface SpfDns {

    /**
     * The TXT records at {@code name}, each record's character-strings joined without separator
     * (RFC 7208 section 3.3), one {@code char} per octet (ISO-8859-1), so that octets outside
     * US-ASCII stay visible to the caller.
     */
    CompletionStage<DnsAnswer<String>> txt(String name);

    /** The IPv4 addresses of {@code name} (A records). */
    CompletionStage<DnsAnswer<InetAddress>> a(String name);

    /** The IPv6 addresses of {@code name} (AAAA records). */
    CompletionStage<DnsAnswer<InetAddress>> aaaa(String name);

    /**
     * The exchanges of the MX records at {@code name}, without the trailing dot, in the order DNS
     * gave them; the root (a null MX, RFC 7505) as the empty string.
     */
    CompletionStage<DnsAnswer<String>> mx(String name);

    /**
     * The names the PTR records at {@code name} (an {@code in-addr.arpa} or {@code ip6.arpa} name)
     * point to, without the trailing dot, in the order DNS gave them.
     */
    CompletionStage<DnsAnswer<String>> ptr(String name);

    /** The A or AAAA records of {@code name}, whichever family {@code like} is of. */
    default CompletionStage<DnsAnswer<InetAddress>> addresses(String name, InetAddress like) {
        return like.getAddress().length == 4 ? a(name) : aaaa(name);
    }
}
