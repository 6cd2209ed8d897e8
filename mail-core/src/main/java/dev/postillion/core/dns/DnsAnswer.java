package dev.postillion.core.dns;

import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;
import org.xbill.DNS.lookup.ServerFailedException;

/**
 * What DNS said to one question, as {@link NameService} classifies it: the records, or why there are
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
    static DnsAnswer of(String name, int type, List<Record> records) {
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
    static DnsAnswer malformed(String name, int type) {
        return new DnsAnswer(name, type, Outcome.NO_SUCH_DOMAIN, List.of(), NOT_A_NAME);
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
