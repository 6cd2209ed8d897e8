package dev.postillion.auth.dmarc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.postillion.auth.TxtZone;
import com.typesafe.config.ConfigFactory;
import dev.postillion.auth.dkim.DkimResult;
import dev.postillion.auth.dkim.DkimResult.Reason;
import dev.postillion.auth.dmarc.DmarcVerdict.Result;
import dev.postillion.auth.spf.SpfResult;
import dev.postillion.auth.spf.SpfVerdict;
import dev.postillion.auth.spf.SpfVerdict.Identity;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** DMARC evaluation (RFC 7489 section 6.6) against records served from memory. */
class DmarcTest {

    private static final SpfVerdict SPF_FAIL = spf(SpfResult.FAIL, "example.com");

    private final TxtZone zone = new TxtZone();

    // --- policies

    @Test
    void rejectPolicyFailsAndRejects() {
        zone.add("_dmarc.example.com", "v=DMARC1; p=reject");
        DmarcVerdict verdict = evaluate("example.com", SPF_FAIL, List.of());
        assertEquals(new DmarcVerdict(Result.FAIL, "example.com", DmarcPolicy.REJECT, DmarcPolicy.REJECT,
                "no aligned SPF or DKIM pass; p=reject"), verdict);
    }

    @Test
    void quarantinePolicyQuarantines() {
        zone.add("_dmarc.example.com", "v=DMARC1; p=quarantine");
        List<DkimResult> dkim = List.of(dkim(Reason.SIGNATURE_MISMATCH, "example.com"));
        DmarcVerdict verdict = evaluate("Example.COM", SPF_FAIL, dkim);
        assertEquals(Result.FAIL, verdict.result());
        assertEquals("example.com", verdict.domain());
        assertEquals(DmarcPolicy.QUARANTINE, verdict.disposition());
    }

    @Test
    void nonePolicyFailsButDoesNothing() {
        zone.add("_dmarc.example.com", "v=DMARC1; p=none; rua=mailto:d@example.com");
        DmarcVerdict verdict = evaluate("example.com", SPF_FAIL, List.of());
        assertEquals(Result.FAIL, verdict.result());
        assertEquals(DmarcPolicy.NONE, verdict.policy());
        assertEquals(DmarcPolicy.NONE, verdict.disposition());
    }

    @Test
    void noRecordAnywhereIsNone() {
        DmarcVerdict verdict = evaluate("mail.example.com", SPF_FAIL, List.of());
        assertEquals(DmarcVerdict.withoutPolicy(Result.NONE, "mail.example.com",
                "no DMARC record for mail.example.com"), verdict);
        assertEquals(List.of("_dmarc.mail.example.com", "_dmarc.example.com"), zone.asked());
    }

    @Test
    void otherTxtRecordsAtTheNameAreIgnored() {
        zone.add("_dmarc.example.com", "v=spf1 -all", "some verification token", "v=DMARC1; p=reject");
        assertEquals(DmarcPolicy.REJECT, evaluate("example.com", SPF_FAIL, List.of()).disposition());
    }

    // --- alignment

    @Test
    void spfAlignsRelaxedWithinTheOrganizationalDomain() {
        zone.add("_dmarc.example.com", "v=DMARC1; p=reject");
        DmarcVerdict verdict = evaluate("example.com", spf(SpfResult.PASS, "bounces.example.com"), List.of());
        assertEquals(new DmarcVerdict(Result.PASS, "example.com", DmarcPolicy.REJECT, DmarcPolicy.NONE,
                "aligned SPF pass, smtp.mailfrom=bounces.example.com"), verdict);
    }

    @Test
    void spfStrictNeedsTheSameDomain() {
        zone.add("_dmarc.example.com", "v=DMARC1; p=reject; aspf=s");
        assertEquals(Result.FAIL, evaluate("example.com", spf(SpfResult.PASS, "bounces.example.com"), List.of())
                .result());
        assertEquals(Result.PASS, evaluate("example.com", spf(SpfResult.PASS, "EXAMPLE.com"), List.of()).result());
    }

    @Test
    void spfMustPassForAnAlignedDomainAndUnrelatedPassesDoNotCount() {
        zone.add("_dmarc.example.com", "v=DMARC1; p=reject");
        assertEquals(Result.FAIL, evaluate("example.com", spf(SpfResult.SOFTFAIL, "example.com"), List.of())
                .result());
        assertEquals(Result.FAIL, evaluate("example.com", spf(SpfResult.PASS, "example.net"), List.of()).result());
        assertEquals(Result.FAIL, evaluate("example.com", spf(SpfResult.PASS, "example.com.evil.org"), List.of())
                .result());
    }

    @Test
    void dkimAlignsRelaxedWithinTheOrganizationalDomain() {
        zone.add("_dmarc.example.com", "v=DMARC1; p=reject");
        List<DkimResult> dkim = List.of(dkim(Reason.NONE, "esp.example.net"), dkim(Reason.NONE, "mail.example.com"));
        DmarcVerdict verdict = evaluate("news.example.com", SPF_FAIL, dkim);
        assertEquals(Result.PASS, verdict.result());
        assertEquals("aligned DKIM pass, header.d=mail.example.com", verdict.reason());
    }

    @Test
    void dkimStrictNeedsTheSameDomain() {
        zone.add("_dmarc.example.com", "v=DMARC1; p=reject; adkim=s");
        assertEquals(Result.FAIL, evaluate("example.com", SPF_FAIL, List.of(dkim(Reason.NONE, "mail.example.com")))
                .result());
        assertEquals(Result.PASS, evaluate("example.com", SPF_FAIL, List.of(dkim(Reason.NONE, "example.com")))
                .result());
    }

    @Test
    void onlyPassingSignaturesCount() {
        zone.add("_dmarc.example.com", "v=DMARC1; p=reject");
        List<DkimResult> dkim = List.of(dkim(Reason.BODY_HASH_MISMATCH, "example.com"),
                dkim(Reason.DNS_FAILURE, "example.org"), dkim(Reason.NONE, "example.org"));
        assertEquals(DmarcPolicy.REJECT, evaluate("example.com", SPF_FAIL, dkim).disposition());
    }

    @Test
    void anAlignedSignatureWhoseKeyDnsDidNotAnswerIsATemporaryErrorNotAFailure() {
        zone.add("_dmarc.example.com", "v=DMARC1; p=reject");
        List<DkimResult> dkim = List.of(dkim(Reason.BODY_HASH_MISMATCH, "example.com"),
                dkim(Reason.DNS_FAILURE, "mail.example.com"));
        assertEquals(new DmarcVerdict(Result.TEMPERROR, "example.com", DmarcPolicy.REJECT, DmarcPolicy.NONE,
                "DKIM key of header.d=mail.example.com unavailable for now"), evaluate("example.com", SPF_FAIL, dkim));
    }

    @Test
    void anAlignedSpfCheckThatCouldNotFinishIsATemporaryErrorNotAFailure() {
        zone.add("_dmarc.example.com", "v=DMARC1; p=reject");
        assertEquals(new DmarcVerdict(Result.TEMPERROR, "example.com", DmarcPolicy.REJECT, DmarcPolicy.NONE,
                "SPF of smtp.mailfrom=example.com unavailable for now"),
                evaluate("example.com", spf(SpfResult.TEMPERROR, "example.com"), List.of()));
    }

    @Test
    void aTemporaryErrorOfAnUnalignedDomainLeavesTheFailure() {
        zone.add("_dmarc.example.com", "v=DMARC1; p=reject; adkim=s");
        assertEquals(Result.FAIL, evaluate("example.com", spf(SpfResult.TEMPERROR, "example.org"),
                List.of(dkim(Reason.DNS_FAILURE, "mail.example.com"))).result());
    }

    // --- subdomains and the organizational domain

    @Test
    void subdomainPolicyAppliesToSubdomainsOfTheOrganizationalDomain() {
        zone.add("_dmarc.example.com", "v=DMARC1; p=reject; sp=quarantine");
        DmarcVerdict sub = evaluate("news.example.com", SPF_FAIL, List.of());
        assertEquals(DmarcPolicy.QUARANTINE, sub.policy());
        assertEquals(DmarcPolicy.QUARANTINE, sub.disposition());
        assertEquals(DmarcPolicy.REJECT, evaluate("example.com", SPF_FAIL, List.of()).policy());
    }

    @Test
    void withoutSpSubdomainsGetP() {
        zone.add("_dmarc.example.com", "v=DMARC1; p=reject");
        assertEquals(DmarcPolicy.REJECT, evaluate("a.b.example.com", SPF_FAIL, List.of()).disposition());
    }

    @Test
    void aSubdomainsOwnRecordUsesItsP() {
        zone.add("_dmarc.news.example.com", "v=DMARC1; p=none; sp=reject");
        zone.add("_dmarc.example.com", "v=DMARC1; p=reject");
        DmarcVerdict verdict = evaluate("news.example.com", SPF_FAIL, List.of());
        assertEquals(DmarcPolicy.NONE, verdict.policy());
        assertEquals(List.of("_dmarc.news.example.com"), zone.asked());
    }

    @Test
    void organizationalDomainComesFromThePublicSuffixList() {
        zone.add("_dmarc.example.co.uk", "v=DMARC1; p=quarantine");
        zone.add("_dmarc.co.uk", "v=DMARC1; p=reject");
        DmarcVerdict verdict = evaluate("mail.example.co.uk", SPF_FAIL, List.of());
        assertEquals(DmarcPolicy.QUARANTINE, verdict.disposition());
        assertEquals(List.of("_dmarc.mail.example.co.uk", "_dmarc.example.co.uk"), zone.asked());
    }

    @Test
    void relaxedAlignmentAcrossAPublicSuffixNeedsTheSameOrganization() {
        zone.add("_dmarc.example.co.uk", "v=DMARC1; p=reject");
        assertEquals(Result.PASS, evaluate("mail.example.co.uk", spf(SpfResult.PASS, "bounce.example.co.uk"),
                List.of()).result());
        assertEquals(Result.FAIL, evaluate("mail.example.co.uk", spf(SpfResult.PASS, "other.co.uk"),
                List.of()).result());
    }

    // --- pct

    @Test
    void pctZeroAppliesTheNextLessStrictPolicy() {
        zone.add("_dmarc.example.com", "v=DMARC1; p=reject; pct=0");
        zone.add("_dmarc.example.net", "v=DMARC1; p=quarantine; pct=0");
        DmarcVerdict reject = evaluate("example.com", SPF_FAIL, List.of(), fixed(0));
        assertEquals(DmarcPolicy.REJECT, reject.policy());
        assertEquals(DmarcPolicy.QUARANTINE, reject.disposition());
        assertEquals("no aligned SPF or DKIM pass; p=reject pct=0 not applied", reject.reason());
        assertEquals(DmarcPolicy.NONE, evaluate("example.net", SPF_FAIL, List.of(), fixed(0)).disposition());
    }

    @Test
    void pctFiftySamplesHalf() {
        zone.add("_dmarc.example.com", "v=DMARC1; p=reject; pct=50");
        assertEquals(DmarcPolicy.REJECT, evaluate("example.com", SPF_FAIL, List.of(), fixed(0)).disposition());
        assertEquals(DmarcPolicy.REJECT, evaluate("example.com", SPF_FAIL, List.of(), fixed(49)).disposition());
        assertEquals(DmarcPolicy.QUARANTINE, evaluate("example.com", SPF_FAIL, List.of(), fixed(50)).disposition());
        assertEquals(DmarcPolicy.QUARANTINE, evaluate("example.com", SPF_FAIL, List.of(), fixed(99)).disposition());
    }

    @Test
    void pctDoesNotTouchPassingMail() {
        zone.add("_dmarc.example.com", "v=DMARC1; p=reject; pct=50");
        DmarcVerdict verdict = evaluate("example.com", spf(SpfResult.PASS, "example.com"), List.of(), fixed(0));
        assertEquals(Result.PASS, verdict.result());
        assertEquals(DmarcPolicy.NONE, verdict.disposition());
    }

    // --- records that cannot be used, DNS failures

    @Test
    void aMalformedRecordMeansNoPolicyWithoutFallingBack() {
        zone.add("_dmarc.news.example.com", "v=DMARC1; p=bogus");
        zone.add("_dmarc.example.com", "v=DMARC1; p=reject");
        DmarcVerdict verdict = evaluate("news.example.com", SPF_FAIL, List.of());
        assertEquals(DmarcVerdict.withoutPolicy(Result.PERMERROR, "news.example.com",
                "unusable DMARC record at _dmarc.news.example.com: bad p=bogus and no valid rua"), verdict);
        assertEquals(List.of("_dmarc.news.example.com"), zone.asked());
    }

    @Test
    void aRecordWithAnotherVersionIsNoRecordSoTheOrganizationalDomainIsAsked() {
        zone.add("_dmarc.news.example.com", "v=DMARC2; p=none");
        zone.add("_dmarc.example.com", "v=DMARC1; p=reject");
        assertEquals(DmarcPolicy.REJECT, evaluate("news.example.com", SPF_FAIL, List.of()).disposition());
    }

    @Test
    void severalRecordsMeanNoPolicy() {
        zone.add("_dmarc.example.com", "v=DMARC1; p=reject", "v=DMARC1; p=none");
        DmarcVerdict verdict = evaluate("example.com", SPF_FAIL, List.of());
        assertEquals(DmarcVerdict.withoutPolicy(Result.PERMERROR, "example.com",
                "2 DMARC records at _dmarc.example.com"), verdict);
    }

    @Test
    void aDnsFailureIsATemporaryError() {
        zone.failing("_dmarc.example.com");
        DmarcVerdict verdict = evaluate("example.com", SPF_FAIL, List.of());
        assertEquals(DmarcVerdict.withoutPolicy(Result.TEMPERROR, "example.com",
                "DNS lookup of _dmarc.example.com failed: timed out"), verdict);
    }

    @Test
    void aDnsFailureAtTheOrganizationalDomainIsATemporaryError() {
        zone.failing("_dmarc.example.com");
        assertEquals(Result.TEMPERROR, evaluate("news.example.com", SPF_FAIL, List.of()).result());
    }

    @Test
    void aFromDomainThatIsNoDomainNameHasNoVerdict() {
        DmarcVerdict verdict = evaluate("[192.0.2.1]", SPF_FAIL, List.of());
        assertEquals(Result.NONE, verdict.result());
        assertEquals(List.of(), zone.asked());
    }

    @Test
    void keywordsAreThoseOfAuthenticationResults() {
        assertEquals("temperror", Result.TEMPERROR.keyword());
        assertEquals("quarantine", DmarcPolicy.QUARANTINE.keyword());
    }

    @Test
    void referenceConfEnablesDmarc() {
        assertEquals(DmarcSettings.DEFAULTS, DmarcSettings.from(ConfigFactory.defaultReference()));
    }

    // --- helpers

    private DmarcVerdict evaluate(String from, SpfVerdict spf, List<DkimResult> dkim) {
        return evaluate(from, spf, dkim, fixed(0));
    }

    private DmarcVerdict evaluate(String from, SpfVerdict spf, List<DkimResult> dkim, RandomGenerator random) {
        try {
            return new DmarcEvaluator(zone, random).evaluate(from, spf, dkim)
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static SpfVerdict spf(SpfResult result, String domain) {
        return new SpfVerdict(result, Identity.MAILFROM, domain, "test", "");
    }

    private static DkimResult dkim(Reason reason, String domain) {
        return new DkimResult(reason.status(), reason, reason.text(), domain, "sel", "@" + domain, "rsa-sha256",
                2048, OptionalLong.empty(), 0, false, "abcdefgh");
    }

    /** A generator whose {@code nextInt(bound)} is always {@code value}. */
    private static RandomGenerator fixed(int value) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return value;
            }

            @Override
            public int nextInt(int bound) {
                return value;
            }
        };
    }
}
