package dev.postillion.core.dns;

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
import java.util.stream.Stream;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * DNS questions whose answers are validated with DNSSEC (RFC 4035 section 5), for DANE (RFC 7672
 * section 2.1): dnsjava's {@link ValidatingResolver} asks the configured servers with the DO bit,
 * fetches the DNSKEY and DS records of the chain from the trust anchors down, and checks every
 * signature itself, so the servers need only pass DNSSEC records on; they need not validate.
 *
 * <p>An answer is <em>secure</em> when its whole chain verifies (the resolver sets AD); a zone
 * below no trust anchor, or below a proven unsigned delegation, is <em>insecure</em>: its answers
 * come as from {@link DnsjavaNameService}, just not secure. A <em>bogus</em> answer (signatures that do
 * not verify, a chain that breaks) is a failed question, as a validating resolver answers it with
 * SERVFAIL: it may be an attack, and is never taken as data.
 *
 * <p>Secure and insecure answers are kept for their TTL (RFC 2181 section 5.2: the least of the
 * RRset's), capped at {@link #MAX_TTL}; negative ones for the SOA's negative TTL (RFC 2308 section
 * 5), capped at {@link #MAX_NEGATIVE_TTL}. Failed and bogus answers are not kept: the next question
 * asks again. The validator caches the keys of the chain itself.
 */
public final class SecureNameService {

    /** An answer and whether DNSSEC proved it: records, or their absence (NXDOMAIN, NODATA). */
    public record SecureAnswer(DnsAnswer answer, boolean secure) {}

    /** What the DNS servers make of the trust anchor's DNSKEY records. */
    enum Anchor {
        /** They validate: the servers pass DNSSEC records on. */
        VALIDATES,
        /** They come without signatures, or not at all: the servers strip DNSSEC records. */
        STRIPPED,
        /**
         * Signed, yet they do not validate (bogus: perhaps forged), or there was no answer. Neither
         * says the servers cannot pass DNSSEC records on.
         */
        FAILS
    }

    /** As Unbound's cache-max-ttl: a day at most, however long a zone's TTLs. */
    private static final Duration MAX_TTL = Duration.ofDays(1);
    /** RFC 2308 section 5 advises one to three hours as the most for negative answers. */
    private static final Duration MAX_NEGATIVE_TTL = Duration.ofHours(1);

    private final ValidatingResolver resolver;
    /** The same servers, asked without validation, for what they pass on. */
    private final ExtendedResolver plain;
    private final String anchorZone;
    private final Duration timeout;
    private final ValidatedAnswers answers = new ValidatedAnswers();
    private final DnsLookups lookups;

    /** @throws IllegalArgumentException when {@code dnssec} has no trust anchor */
    public SecureNameService(DnsSettings settings, DnssecSettings dnssec, DnsLookups lookups) {
        if (!dnssec.enabled()) {
            throw new IllegalArgumentException("DNSSEC needs a trust anchor");
        }
        this.resolver = new ValidatingResolver(DnsjavaNameService.resolver(settings));
        this.plain = DnsjavaNameService.resolver(settings);
        plain.setEDNS(0, 0, ExtendedFlags.DO); // RFC 3225: DNSSEC records wanted
        try {
            resolver.loadTrustAnchors(new ByteArrayInputStream(dnssec.zoneFile().getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable trust anchors", e);
        }
        this.anchorZone = dnssec.firstAnchorZone();
        this.timeout = settings.timeout();
        this.lookups = lookups;
    }

    /**
     * Whether the trust anchor's own DNSKEY records validate, as they do whenever the DNS servers
     * pass DNSSEC records on. Servers that strip them (some forwarders do) make every answer below
     * the anchor bogus: {@link DnssecValidation} checks this. When they do not validate, the
     * servers are asked again without validation whether they pass the signatures on at all.
     *
     * @return the stage never fails
     */
    CompletionStage<Anchor> checkAnchor() {
        return query(anchorZone, Type.DNSKEY).thenCompose(dnskey -> dnskey.secure()
                ? CompletableFuture.completedFuture(Anchor.VALIDATES)
                : signaturesPassedOn());
    }

    private CompletionStage<Anchor> signaturesPassedOn() {
        Message question = Message.newQuery(Record.newRecord(DnsjavaNameService.absolute(anchorZone).orElseThrow(),
                Type.DNSKEY, DClass.IN));
        return plain.sendAsync(question)
                .toCompletableFuture()
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((response, failure) -> failure != null || response.getRcode() != Rcode.NOERROR ? Anchor.FAILS
                        : response.getSection(Section.ANSWER).stream().anyMatch(RRSIGRecord.class::isInstance)
                                ? Anchor.FAILS : Anchor.STRIPPED);
    }

    /** The zone whose DNSKEY records {@link #anchorValidates()} asks for. */
    public String anchorZone() {
        return anchorZone;
    }

    /**
     * @param name a domain name, absolute whether or not it ends with a dot
     * @param type a {@link org.xbill.DNS.Type} constant
     * @return the answer; the stage never fails
     */
    public CompletionStage<SecureAnswer> query(String name, int type) {
        Optional<Name> absolute = DnsjavaNameService.absolute(name);
        if (absolute.isEmpty()) {
            return CompletableFuture.completedFuture(new SecureAnswer(DnsAnswer.malformed(name, type), false));
        }
        Optional<SecureAnswer> kept = answers.get(name, absolute.get(), type);
        if (kept.isPresent()) {
            lookups.answered(kept.get().answer());
            return CompletableFuture.completedFuture(kept.get());
        }
        Message question = Message.newQuery(Record.newRecord(absolute.get(), type, DClass.IN));
        return resolver.sendAsync(question)
                .toCompletableFuture()
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((response, failure) -> {
                    SecureAnswer answer = failure == null
                            ? keep(absolute.get(), type, classify(name, type, response), response)
                            : new SecureAnswer(DnsAnswer.failed(name, type, failure), false);
                    lookups.answered(answer.answer());
                    return answer;
                });
    }

    private SecureAnswer keep(Name name, int type, SecureAnswer answer, Message response) {
        answers.put(name, type, answer, ttl(answer.answer().outcome(), response));
        return answer;
    }

    /** How long an answer may be kept; zero for a failure, or a negative answer without a SOA. */
    private static Duration ttl(DnsAnswer.Outcome outcome, Message response) {
        return switch (outcome) {
            case RECORDS -> least(response.getSection(Section.ANSWER).stream().map(Record::getTTL), MAX_TTL);
            // RFC 2308 section 5: the lesser of the SOA's own TTL and its MINIMUM field.
            case NO_SUCH_DOMAIN, NO_DATA -> least(response.getSection(Section.AUTHORITY).stream()
                    .filter(SOARecord.class::isInstance)
                    .flatMap(soa -> Stream.of(soa.getTTL(), ((SOARecord) soa).getMinimum())), MAX_NEGATIVE_TTL);
            case FAILED -> Duration.ZERO;
        };
    }

    private static Duration least(Stream<Long> ttls, Duration cap) {
        return ttls.min(Long::compare).map(Duration::ofSeconds).map(ttl -> ttl.compareTo(cap) < 0 ? ttl : cap)
                .orElse(Duration.ZERO);
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
