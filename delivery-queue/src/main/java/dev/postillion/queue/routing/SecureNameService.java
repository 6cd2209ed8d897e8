package dev.postillion.queue.routing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * DNS questions whose answers are validated with DNSSEC (RFC 4035 section 5), for DANE (RFC 7672
 * section 2.1): dnsjava's {@link ValidatingResolver} asks the configured servers with the DO bit,
 * fetches the DNSKEY and DS records of the chain from the trust anchors down, and checks every
 * signature itself, so the servers need only pass DNSSEC records on; they need not validate.
 *
 * <p>An answer is <em>secure</em> when its whole chain verifies (the resolver sets AD); a zone
 * below no trust anchor, or below a proven unsigned delegation, is <em>insecure</em>: its answers
 * come as from {@link NameService}, just not secure. A <em>bogus</em> answer (signatures that do
 * not verify, a chain that breaks) is a failed question, as a validating resolver answers it with
 * SERVFAIL: it may be an attack, and is never taken as data.
 *
 * <p>Answers are not cached here, only the validated keys (by the resolver): these questions are
 * asked per new connection, and only about mail hosts.
 */
public final class SecureNameService {

    /** An answer and whether DNSSEC proved it: records, or their absence (NXDOMAIN, NODATA). */
    public record SecureAnswer(DnsAnswer answer, boolean secure) {}

    private final ValidatingResolver resolver;
    private final Duration timeout;

    /** @throws IllegalArgumentException when {@code dnssec} has no trust anchor */
    public SecureNameService(DnsSettings settings, DnssecSettings dnssec) {
        if (!dnssec.enabled()) {
            throw new IllegalArgumentException("DNSSEC needs a trust anchor");
        }
        this.resolver = new ValidatingResolver(NameService.resolver(settings));
        try {
            resolver.loadTrustAnchors(new ByteArrayInputStream(dnssec.zoneFile().getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable trust anchors", e);
        }
        this.timeout = settings.timeout();
    }

    /**
     * @param name a domain name, absolute whether or not it ends with a dot
     * @param type a {@link org.xbill.DNS.Type} constant
     * @return the answer; the stage never fails
     */
    public CompletionStage<SecureAnswer> query(String name, int type) {
        Optional<Name> absolute = NameService.absolute(name);
        if (absolute.isEmpty()) {
            return CompletableFuture.completedFuture(new SecureAnswer(DnsAnswer.malformed(name, type), false));
        }
        Message question = Message.newQuery(Record.newRecord(absolute.get(), type, DClass.IN));
        return resolver.sendAsync(question)
                .toCompletableFuture()
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((response, failure) -> failure == null
                        ? classify(name, type, response)
                        : new SecureAnswer(DnsAnswer.failed(name, type, failure), false));
    }

    private static SecureAnswer classify(String name, int type, Message response) {
        boolean secure = response.getHeader().getFlag(Flags.AD);
        return switch (response.getRcode()) {
            case Rcode.NOERROR -> new SecureAnswer(DnsAnswer.of(name, type, response.getSection(Section.ANSWER)), secure);
            case Rcode.NXDOMAIN -> new SecureAnswer(
                    new DnsAnswer(name, type, DnsAnswer.Outcome.NO_SUCH_DOMAIN, List.of(), ""), secure);
            default -> new SecureAnswer(
                    new DnsAnswer(name, type, DnsAnswer.Outcome.FAILED, List.of(), failure(response)), false);
        };
    }

    /** The validator's reason for a bogus answer (a TXT record of its own class), else the rcode. */
    private static String failure(Message response) {
        return response.getSection(Section.ADDITIONAL).stream()
                .filter(record -> record.getDClass() == ValidatingResolver.VALIDATION_REASON_QCLASS)
                .map(record -> "DNSSEC validation failed: " + String.join(" ", ((TXTRecord) record).getStrings()))
                .findFirst()
                .orElse(response.getRcode() == Rcode.SERVFAIL ? "server failure" : Rcode.string(response.getRcode()));
    }
}
