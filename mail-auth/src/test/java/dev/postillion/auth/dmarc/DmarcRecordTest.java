package dev.postillion.auth.dmarc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Parsing of DMARC policy records, RFC 7489 sections 6.3, 6.4 and 6.6.3. */
class DmarcRecordTest {

    @Test
    void readsEveryTagItKnows() throws Exception {
        DmarcRecord record = DmarcRecord.parse(
                "v=DMARC1; p=reject; sp=quarantine; pct=25; adkim=s; aspf=s; rua=mailto:d@example.com!10m");
        assertEquals(new DmarcRecord(DmarcPolicy.REJECT, Optional.of(DmarcPolicy.QUARANTINE), 25,
                Alignment.STRICT, Alignment.STRICT, List.of("mailto:d@example.com")), record);
    }

    @Test
    void defaultsAreRelaxedAllAndNoSubdomainPolicy() throws Exception {
        DmarcRecord record = DmarcRecord.parse("v=DMARC1; p=none");
        assertEquals(new DmarcRecord(DmarcPolicy.NONE, Optional.empty(), 100, Alignment.RELAXED,
                Alignment.RELAXED, List.of()), record);
        assertEquals(DmarcPolicy.NONE, record.policyFor("a.example.com", "example.com"));
    }

    @Test
    void toleratesWhiteSpaceCaseUnknownTagsAndATrailingSemicolon() throws Exception {
        DmarcRecord record = DmarcRecord.parse("v = DMARC1 ;\tP = Reject ; fo=1; rf=afrf; ri=86400; x-new=1 ;");
        assertEquals(DmarcPolicy.REJECT, record.policy());
    }

    @Test
    void badOptionalValuesGiveWayToDefaults() throws Exception {
        DmarcRecord record = DmarcRecord.parse("v=DMARC1; p=quarantine; pct=abc; adkim=x; aspf=; garbage");
        assertEquals(100, record.percent());
        assertEquals(Alignment.RELAXED, record.dkimAlignment());
        assertEquals(Alignment.RELAXED, record.spfAlignment());
        assertEquals(100, DmarcRecord.parse("v=DMARC1; p=reject; pct=101").percent());
        assertEquals(0, DmarcRecord.parse("v=DMARC1; p=reject; pct=0").percent());
    }

    @Test
    void versionMustComeFirstAndIsCaseSensitive() {
        assertTrue(DmarcRecord.isDmarc("v=DMARC1"));
        assertTrue(DmarcRecord.isDmarc("v=DMARC1;p=none"));
        assertFalse(DmarcRecord.isDmarc("v=dmarc1; p=none"));
        assertFalse(DmarcRecord.isDmarc("v=DMARC2; p=none"));
        assertFalse(DmarcRecord.isDmarc("v=DMARC10; p=none"));
        assertFalse(DmarcRecord.isDmarc("p=reject; v=DMARC1"));
        assertFalse(DmarcRecord.isDmarc("v=spf1 -all"));
        assertThrows(DmarcSyntaxException.class, () -> DmarcRecord.parse("p=reject; v=DMARC1"));
    }

    @Test
    void aRecordWithoutAValidPolicyIsUnusable() {
        assertThrows(DmarcSyntaxException.class, () -> DmarcRecord.parse("v=DMARC1"));
        assertThrows(DmarcSyntaxException.class, () -> DmarcRecord.parse("v=DMARC1; p=bogus"));
        assertThrows(DmarcSyntaxException.class, () -> DmarcRecord.parse("v=DMARC1; p=reject; sp=bogus"));
        assertThrows(DmarcSyntaxException.class, () -> DmarcRecord.parse("v=DMARC1; p=bogus; rua=not a uri"));
    }

    @Test
    void withAValidReportUriAnInvalidPolicyReadsAsNone() throws Exception {
        DmarcRecord expected = new DmarcRecord(DmarcPolicy.NONE, Optional.empty(), 100, Alignment.RELAXED,
                Alignment.RELAXED, List.of("mailto:agg@example.com"));
        assertEquals(expected, DmarcRecord.parse("v=DMARC1; rua=mailto:agg@example.com"));
        assertEquals(expected, DmarcRecord.parse("v=DMARC1; p=bogus; pct=5; rua=mailto:agg@example.com"));
        assertEquals(expected, DmarcRecord.parse("v=DMARC1; p=reject; sp=x; rua=mailto:agg@example.com"));
    }

    @Test
    void aRepeatedTagMakesTheRecordInvalid() {
        DmarcSyntaxException e = assertThrows(DmarcSyntaxException.class,
                () -> DmarcRecord.parse("v=DMARC1; p=none; p=reject"));
        assertEquals("tag p appears twice", e.getMessage());
    }

    @Test
    void subdomainsGetSpOrElseP() throws Exception {
        DmarcRecord withSp = DmarcRecord.parse("v=DMARC1; p=reject; sp=none");
        assertEquals(DmarcPolicy.REJECT, withSp.policyFor("example.com", "example.com"));
        assertEquals(DmarcPolicy.NONE, withSp.policyFor("a.example.com", "example.com"));
        DmarcRecord withoutSp = DmarcRecord.parse("v=DMARC1; p=quarantine");
        assertEquals(DmarcPolicy.QUARANTINE, withoutSp.policyFor("a.example.com", "example.com"));
    }

    @Test
    void organizationalDomainsComeFromThePublicSuffixList() {
        assertEquals("example.com", OrganizationalDomain.of("example.com"));
        assertEquals("example.com", OrganizationalDomain.of("a.b.example.com"));
        assertEquals("example.co.uk", OrganizationalDomain.of("mail.example.co.uk"));
        assertEquals("co.uk", OrganizationalDomain.of("co.uk"));
        assertEquals("example.nosuchtld", OrganizationalDomain.of("mail.example.nosuchtld"));
    }

    @Test
    void alignmentRelaxedSharesTheOrganizationalDomainStrictIsEqual() {
        assertTrue(Alignment.RELAXED.aligns("bounce.example.co.uk", "news.example.co.uk"));
        assertFalse(Alignment.RELAXED.aligns("other.co.uk", "example.co.uk"));
        assertFalse(Alignment.STRICT.aligns("bounce.example.com", "example.com"));
        assertTrue(Alignment.STRICT.aligns("Example.COM.", "example.com"));
        assertFalse(Alignment.RELAXED.aligns("", "example.com"));
    }
}
