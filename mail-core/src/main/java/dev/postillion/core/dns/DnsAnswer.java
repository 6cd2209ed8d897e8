package dev.postillion.core.dns;

import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;
import org.xbill.DNS.lookup.ServerFailedException;

/**
 * What DNS said to one question, as {@link DnsjavaNameService} classifies it: the records, or why there are
 * none. dnsjava reports most of these as exceptions; routing, SPF and DKIM need them as answers,
 * because NXDOMAIN and NODATA are facts about the name, not failures.
 *
 * @param name the name asked about, as given (CNAMEs on the way are dnsjava's business)
 * @param type the {@link Type} asked for
 * @param records the records of the type asked for; empty unless {@code outcome} is {@code RECORDS}
 * @param reason for {@code FAILED}, what went wrong; for {@code NO_SUCH_DOMAIN}, {@value #NOT_A_NAME}
 *     when the name cannot be written in DNS at all; otherwise empty
 */
public record DnsAnswer(String name, int type, Outcome outcome, List<Record> records, String reason) {

    private static final Logger LOG = LoggerFactory.getLogger(DnsAnswer.class);

    /** The {@link #reason()} of a name that cannot be written in DNS. */
    public static final String NOT_A_NAME = "not a domain name";

    /** The kinds of answer. */
    public enum Outcome {
        /** Records of the type asked for. */
        RECORDS,
        /** NXDOMAIN: the name does not exist (RFC 1035 section 4.1.1). */
        NO_SUCH_DOMAIN,
        /** NODATA: the name exists without records of the type (RFC 2308 section 2.2). */
        NO_DATA,
        /** No answer for now: SERVFAIL, timeout, network error, data dnsjava refuses. */
        FAILED
    }

    public DnsAnswer {
        records = List.copyOf(records);
    }

    /**
     * Only records of the type asked for are kept, so that each can be cast to its class. dnsjava
     * gives a NODATA answer fresh from a server as an empty result (and from its cache as an
     * exception).
     */
    public static DnsAnswer of(String name, int type, List<Record> records) {
        List<Record> asked = records.stream().filter(record -> record.getType() == type).toList();
        return new DnsAnswer(name, type, asked.isEmpty() ? Outcome.NO_DATA : Outcome.RECORDS, asked, "");
    }

    static DnsAnswer failed(String name, int type, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        if (cause instanceof NoSuchDomainException) {
            return new DnsAnswer(name, type, Outcome.NO_SUCH_DOMAIN, List.of(), "");
        }
        if (cause instanceof NoSuchRRSetException) {
            return new DnsAnswer(name, type, Outcome.NO_DATA, List.of(), "");
        }
        return new DnsAnswer(name, type, Outcome.FAILED, List.of(), describe(name, cause));
    }

    /** A name that cannot be written in DNS cannot exist there either. */
    public static DnsAnswer malformed(String name, int type) {
        return new DnsAnswer(name, type, Outcome.NO_SUCH_DOMAIN, List.of(), NOT_A_NAME);
    }

    /** A failed question: no answer for now, for the reason given (quoted in results and reports). */
    public static DnsAnswer failure(String name, int type, String reason) {
        return new DnsAnswer(name, type, Outcome.FAILED, List.of(), reason);
    }

    /**
     * The TXT records, each one's strings joined without separator, one char per octet
     * (ISO-8859-1), as SPF (RFC 7208 section 3.3) and DKIM (RFC 6376 section 3.6.2.2) read them:
     * octets outside ASCII stay visible to their parsers instead of being decoded.
     */
    public List<String> texts() {
        return records.stream().map(record -> {
            StringBuilder text = new StringBuilder();
            for (byte[] string : ((TXTRecord) record).getStringsAsByteArrays()) {
                text.append(new String(string, StandardCharsets.ISO_8859_1));
            }
            return text.toString();
        }).toList();
    }

    /** The addresses of A or AAAA records. */
    public List<InetAddress> addresses() {
        return records.stream()
                .map(record -> record instanceof ARecord a ? a.getAddress() : ((AAAARecord) record).getAddress())
                .toList();
    }

    /**
     * The names MX records (their exchanges) or PTR records point to, in the order DNS gave them,
     * without the final dot; the root (a null MX, RFC 7505) as the empty string.
     */
    public List<String> hosts() {
        return records.stream()
                .map(record -> record instanceof MXRecord mx ? mx.getTarget() : ((PTRRecord) record).getTarget())
                .map(host -> host.equals(Name.root) ? "" : host.toString(true))
                .toList();
    }

    /**
     * Why there are no records, in the words of the checks of mail coming in (DKIM and DMARC
     * results, Authentication-Results comments); empty for records.
     */
    public String detail() {
        return switch (outcome) {
            case RECORDS -> "";
            case NO_DATA -> "no " + Type.string(type) + " record at " + name;
            case NO_SUCH_DOMAIN -> reason.isEmpty() ? name + " does not exist" : reason + ": " + name;
            case FAILED -> "DNS lookup of " + name + " failed: " + reason;
        };
    }

    /** Whether the name has no records of the type, for good: NXDOMAIN or NODATA. */
    public boolean absent() {
        return outcome == Outcome.NO_SUCH_DOMAIN || outcome == Outcome.NO_DATA;
    }

    /**
     * Why there are no records, in Postfix's words (its dns_lookup(3) and the resolver's
     * h_errno texts), which operators and the senders of returned mail know how to read.
     */
    public String error() {
        return "Host or domain name not found. Name service error for name=" + name
                + " type=" + Type.string(type) + ": "
                + switch (outcome) {
                    case NO_SUCH_DOMAIN -> "Host not found";
                    case NO_DATA -> "Host found but no data record of requested type";
                    case FAILED -> "Host not found, try again (" + reason + ")";
                    case RECORDS -> throw new IllegalStateException("no error: " + records);
                };
    }

    private static String describe(String name, Throwable cause) {
        if (cause instanceof ServerFailedException) {
            return "server failure";
        }
        if (cause instanceof TimeoutException || cause instanceof SocketTimeoutException) {
            return "timed out";
        }
        // Anything else is a network or resolver fault, whose library text the answer's readers
        // (Authentication-Results, reports) must not quote: it is logged.
        LOG.info("DNS lookup of {} failed", name, cause);
        return "network error";
    }
}
