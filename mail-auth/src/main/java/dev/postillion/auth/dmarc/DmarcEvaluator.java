package dev.postillion.auth.dmarc;

import dev.postillion.core.DomainName;
import dev.postillion.auth.dkim.DkimResult;
import dev.postillion.auth.dmarc.DmarcVerdict.Result;
import dev.postillion.auth.spf.SpfResult;
import dev.postillion.auth.spf.SpfVerdict;
import dev.postillion.core.dns.DnsAnswer;
import dev.postillion.core.dns.NameService;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Type;

/**
 * DMARC evaluation of one message (RFC 7489 section 6.6): policy discovery with the organizational
 * domain fallback (section 6.6.3), identifier alignment of SPF and DKIM (section 3.1), and the
 * disposition after {@code pct} sampling (section 6.6.4). Asynchronous and never failing: every
 * outcome, DNS failures and unusable records included, is a {@link DmarcVerdict}.
 *
 * <p>Thread-safe when its {@link RandomGenerator} is; the default one is.
 */
public final class DmarcEvaluator {

    private static final Logger LOG = LoggerFactory.getLogger(DmarcEvaluator.class);
    private static final int PERCENT = 100;

    private final NameService dns;
    private final RandomGenerator random;

    /** Samples {@code pct} with {@link ThreadLocalRandom}. */
    public DmarcEvaluator(NameService dns) {
        this(dns, () -> ThreadLocalRandom.current().nextLong());
    }

    /** @param random draws {@code nextInt(100)} for {@code pct} sampling; fixed in tests */
    public DmarcEvaluator(NameService dns, RandomGenerator random) {
        this.dns = dns;
        this.random = random;
    }

    /**
     * @param fromDomain the domain of the message's single RFC5322.From address (section 6.6.1; see
     *     {@link AuthorDomain})
     * @param spf the SPF verdict of the MAIL FROM identity (for the null sender, of
     *     {@code postmaster@} the HELO name, RFC 7208 section 2.4)
     * @param dkim the results of the message's DKIM signatures; only passing ones count (section 4.2)
     * @return the verdict; the stage never fails
     */
    public CompletionStage<DmarcVerdict> evaluate(String fromDomain, SpfVerdict spf, List<DkimResult> dkim) {
        Optional<DomainName> name = DomainName.parse(fromDomain.strip());
        if (name.isEmpty()) {
            return CompletableFuture.completedFuture(
                    DmarcVerdict.withoutPolicy(Result.NONE, fromDomain, "no usable RFC5322.From domain"));
        }
        String domain = name.get().ascii();
        return discover(domain)
                .thenApply(found -> verdict(domain, found, spf, dkim))
                .exceptionally(failure -> {
                    LOG.warn("DMARC evaluation of {} failed", domain, failure);
                    return DmarcVerdict.withoutPolicy(Result.TEMPERROR, domain, "internal error");
                });
    }

    /** What policy discovery gave. */
    private sealed interface Discovery permits Policy, NoPolicy {}

    /** A usable record, found at {@code _dmarc.<recordDomain>}. */
    private record Policy(DmarcRecord record, String recordDomain) implements Discovery {}

    /** No policy applies, with the result to report: none, temperror or permerror. */
    private record NoPolicy(Result result, String reason) implements Discovery {}

    /**
     * Section 6.6.3: the record at {@code _dmarc.<From domain>}; when there is none, the one at
     * {@code _dmarc.<organizational domain>}, if that is another domain.
     */
    private CompletionStage<Discovery> discover(String domain) {
        return lookup(domain).thenCompose(found -> {
            String organizational = OrganizationalDomain.of(domain);
            if (found.isPresent() || organizational.equals(domain)) {
                return CompletableFuture.completedFuture(found.orElseGet(() -> noRecord(domain)));
            }
            return lookup(organizational).thenApply(atOrg -> atOrg.orElseGet(() -> noRecord(domain)));
        });
    }

    /** The outcome at one name; empty when it holds no DMARC record (steps 2 and 3). */
    private CompletionStage<Optional<Discovery>> lookup(String domain) {
        String name = "_dmarc." + domain;
        return dns.query(name, Type.TXT).thenApply(answer -> {
            if (answer.outcome() == DnsAnswer.Outcome.FAILED) {
                return Optional.of(new NoPolicy(Result.TEMPERROR, answer.detail()));
            }
            if (answer.outcome() == DnsAnswer.Outcome.RECORDS) {
                return select(name, domain, answer.texts());
            }
            return Optional.empty();
        });
    }

    /** Steps 3 to 6: records that do not start with v=DMARC1 are discarded; exactly one must remain. */
    private static Optional<Discovery> select(String name, String domain, List<String> texts) {
        List<String> records = texts.stream().filter(DmarcRecord::isDmarc).toList();
        if (records.isEmpty()) {
            return Optional.empty();
        }
        if (records.size() > 1) {
            return Optional.of(new NoPolicy(Result.PERMERROR, records.size() + " DMARC records at " + name));
        }
        try {
            return Optional.of(new Policy(DmarcRecord.parse(records.get(0)), domain));
        } catch (DmarcSyntaxException e) {
            return Optional.of(new NoPolicy(Result.PERMERROR, "unusable DMARC record at " + name + ": "
                    + e.getMessage()));
        }
    }

    private static Discovery noRecord(String domain) {
        return new NoPolicy(Result.NONE, "no DMARC record for " + domain);
    }

    private DmarcVerdict verdict(String domain, Discovery discovery, SpfVerdict spf, List<DkimResult> dkim) {
        if (discovery instanceof NoPolicy none) {
            return DmarcVerdict.withoutPolicy(none.result(), domain, none.reason());
        }
        Policy found = (Policy) discovery;
        DmarcRecord record = found.record();
        DmarcPolicy policy = record.policyFor(domain, found.recordDomain());
        Optional<String> aligned = spfAligned(domain, record, spf).or(() -> dkimAligned(domain, record, dkim));
        if (aligned.isPresent()) {
            return new DmarcVerdict(Result.PASS, domain, policy, DmarcPolicy.NONE, aligned.get());
        }
        Optional<String> unchecked = dkimUnchecked(domain, record, dkim).or(() -> spfUnchecked(domain, record, spf));
        if (unchecked.isPresent()) {
            return new DmarcVerdict(Result.TEMPERROR, domain, policy, DmarcPolicy.NONE, unchecked.get());
        }
        return failed(domain, record, policy);
    }

    /**
     * Section 11.2's temperror: an aligned signature whose key could not be fetched for now might
     * pass on a later attempt, so the message has not failed; a DNS fault at the sender's side must
     * never turn into a permanent refusal.
     */
    private static Optional<String> dkimUnchecked(String domain, DmarcRecord record, List<DkimResult> dkim) {
        return dkim.stream()
                .filter(result -> result.status() == DkimResult.Status.TEMPERROR)
                .filter(result -> record.dkimAlignment().aligns(result.domain(), domain))
                .findFirst()
                .map(result -> "DKIM key of header.d=" + result.domain() + " unavailable for now");
    }

    /** The same for an aligned SPF check that could not finish for now (RFC 7208 section 2.6.6). */
    private static Optional<String> spfUnchecked(String domain, DmarcRecord record, SpfVerdict spf) {
        if (spf.result() != SpfResult.TEMPERROR || !record.spfAlignment().aligns(spf.domain(), domain)) {
            return Optional.empty();
        }
        return Optional.of("SPF of " + spf.identity().property() + "=" + spf.domain() + " unavailable for now");
    }

    /** Section 3.1.2 and 4.2: SPF passed for a domain aligned with the From domain. */
    private static Optional<String> spfAligned(String domain, DmarcRecord record, SpfVerdict spf) {
        if (spf.result() != SpfResult.PASS || !record.spfAlignment().aligns(spf.domain(), domain)) {
            return Optional.empty();
        }
        return Optional.of("aligned SPF pass, " + spf.identity().property() + "=" + spf.domain());
    }

    /** Section 3.1.1 and 4.2: a signature that verified, with a {@code d=} aligned with the From domain. */
    private static Optional<String> dkimAligned(String domain, DmarcRecord record, List<DkimResult> dkim) {
        return dkim.stream()
                .filter(DkimResult::passed)
                .filter(result -> record.dkimAlignment().aligns(result.domain(), domain))
                .findFirst()
                .map(result -> "aligned DKIM pass, header.d=" + result.domain());
    }

    /**
     * Section 6.6.4 and the {@code pct} tag of 6.3: the policy applies to the sampled percentage of
     * failing mail, the next less strict policy to the rest.
     */
    private DmarcVerdict failed(String domain, DmarcRecord record, DmarcPolicy policy) {
        boolean sampled = record.percent() >= PERCENT || random.nextInt(PERCENT) < record.percent();
        DmarcPolicy disposition = sampled ? policy : policy.lessStrict();
        String reason = "no aligned SPF or DKIM pass; p=" + policy.keyword()
                + (record.percent() < PERCENT ? " pct=" + record.percent() + (sampled ? " applied" : " not applied")
                : "");
        return new DmarcVerdict(Result.FAIL, domain, policy, disposition, reason);
    }
}
