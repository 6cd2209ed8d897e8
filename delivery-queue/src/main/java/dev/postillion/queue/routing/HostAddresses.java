package dev.postillion.queue.routing;

import dev.postillion.core.dns.DnsAnswer;
import java.net.InetAddress;
import java.util.List;
import java.util.stream.Stream;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;

/**
 * The addresses of one mail host, IPv4 first, with the DNS answers they came from.
 *
 * <p>IPv4 goes first because a client cannot tell from DNS whether its own IPv6 path works, and
 * it often does not: many networks publish AAAA records but send no IPv6 out, and the large
 * receivers demand more of IPv6 senders (a matching PTR record, separate reputation). RFC 5321
 * section 5.1 leaves the order of one host's addresses to the client; trying IPv4 first wastes the
 * fewest connection attempts, and the IPv6 addresses stay as the fallback.
 *
 * @param answers the A and AAAA answers; none for a host given as an IP address
 * @param tlsa the host's TLSA records, for DANE
 */
record HostAddresses(String name, List<InetAddress> addresses, List<DnsAnswer> answers, Tlsa tlsa) {

    HostAddresses {
        addresses = List.copyOf(addresses);
        answers = List.copyOf(answers);
    }

    static HostAddresses literal(String name, InetAddress address) {
        return new HostAddresses(name, List.of(address), List.of(), Tlsa.OFF);
    }

    static HostAddresses of(String name, DnsAnswer a, DnsAnswer aaaa, Tlsa tlsa) {
        List<InetAddress> addresses = Stream.concat(
                        a.records().stream().map(record -> ((ARecord) record).getAddress()),
                        aaaa.records().stream().map(record -> ((AAAARecord) record).getAddress()))
                .toList();
        return new HostAddresses(name, addresses, List.of(a, aaaa), tlsa);
    }

    boolean found() {
        return !addresses.isEmpty();
    }

    /** Whether DNS says for good that the host has no address: NXDOMAIN or NODATA for both types. */
    boolean absent() {
        return !found() && answers.stream().allMatch(DnsAnswer::absent);
    }

    /** Why no address was found: a failure if there was one (that is what retrying may cure), else the A answer. */
    DnsAnswer problem() {
        return answers.stream()
                .filter(answer -> answer.outcome() == DnsAnswer.Outcome.FAILED)
                .findFirst()
                .orElse(answers.get(0));
    }

    MailHost mailHost(int port) {
        return new MailHost(name, addresses, port, tlsa);
    }
}
