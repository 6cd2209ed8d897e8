package dev.postillion.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.postillion.auth.dkim.DkimResult;
import dev.postillion.auth.dmarc.DmarcPolicy;
import dev.postillion.auth.dmarc.DmarcVerdict;
import dev.postillion.auth.spf.SpfResult;
import dev.postillion.auth.spf.SpfVerdict;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class AuthenticationResultsTest {

    private static final SpfVerdict SPF_PASS = new SpfVerdict(SpfResult.PASS, SpfVerdict.Identity.MAILFROM,
            "example.org", "domain of bob@example.org designates 192.0.2.1 as permitted sender", "");

    @Test
    void resultsAreOnePerLineWithTheirProperties() {
        DkimResult pass = new DkimResult(DkimResult.Status.PASS, DkimResult.Reason.NONE, "", "example.org", "sel",
                "@example.org", "rsa-sha256", 2048, OptionalLong.empty(), 0, false, "AbCdEfGh");
        DkimResult fail = new DkimResult(DkimResult.Status.FAIL, DkimResult.Reason.BODY_HASH_MISMATCH, "",
                "other.example", "s1", "@other.example", "ed25519-sha256", 256, OptionalLong.empty(), 0, false,
                "XyZ12345");
        assertEquals("Authentication-Results: mx.test;\r\n"
                + "\tspf=pass (domain of bob@example.org designates 192.0.2.1 as permitted sender)"
                + " smtp.mailfrom=bob@example.org;\r\n"
                + "\tdkim=pass header.d=example.org header.s=sel header.b=AbCdEfGh;\r\n"
                + "\tdkim=fail (body hash did not verify) header.d=other.example header.s=s1 header.b=XyZ12345\r\n",
                AuthenticationResults.header("mx.test", Optional.of(SPF_PASS), Optional.of(List.of(pass, fail)),
                        Optional.empty(), "bob@example.org", false));
    }

    @Test
    void aMessageWithoutSignaturesHasDkimNoneAndNoChecksSayNone() {
        assertEquals("Authentication-Results: mx.test;\r\n\tdkim=none\r\n",
                AuthenticationResults.header("mx.test", Optional.empty(), Optional.of(List.of()), Optional.empty(),
                        "x@y.example", false));
        assertEquals("Authentication-Results: mx.test; none\r\n",
                AuthenticationResults.header("mx.test", Optional.empty(), Optional.empty(), Optional.empty(),
                        "x@y.example", false));
    }

    @Test
    void dmarcIsRecordedWithThePolicyAndDispositionOfAFailure() {
        DmarcVerdict fail = new DmarcVerdict(DmarcVerdict.Result.FAIL, "example.org", DmarcPolicy.REJECT,
                DmarcPolicy.QUARANTINE, "not aligned");
        DmarcVerdict none = new DmarcVerdict(DmarcVerdict.Result.NONE, "", DmarcPolicy.NONE, DmarcPolicy.NONE,
                "several From addresses");
        assertEquals("Authentication-Results: mx.test;\r\n\tdmarc=fail (p=reject dis=quarantine)"
                        + " header.from=example.org\r\n",
                AuthenticationResults.header("mx.test", Optional.empty(), Optional.empty(), Optional.of(fail), "",
                        false));
        assertEquals("Authentication-Results: mx.test;\r\n\tdmarc=none (several From addresses)\r\n",
                AuthenticationResults.header("mx.test", Optional.empty(), Optional.empty(), Optional.of(none), "",
                        false));
    }

    @Test
    void commentsCannotBeEndedOrBrokenByWhatTheWorldSent() {
        SpfVerdict odd = new SpfVerdict(SpfResult.FAIL, SpfVerdict.Identity.HELO, "evil.example",
                "text) with \\ and\r\nbreaks é", "");
        assertEquals("Authentication-Results: mx.test;\r\n"
                        + "\tspf=fail (text\\) with \\\\ and??breaks ?) smtp.helo=evil.example\r\n",
                AuthenticationResults.header("mx.test", Optional.of(odd), Optional.empty(), Optional.empty(),
                        "evil.example", false));
    }

    @Test
    void aDkimCommentIsTheReasonOnlyTheDetailIsForTheLog() {
        DkimResult fail = dkim(DkimResult.Reason.BODY_HASH_MISMATCH, "body hash did not verify", OptionalLong.empty(),
                0);
        DkimResult internal = dkim(DkimResult.Reason.INTERNAL_ERROR,
                "java.util.concurrent.CompletionException: java.lang.IllegalArgumentException: Input buffer too short",
                OptionalLong.empty(), 0);
        assertEquals("Authentication-Results: mx.test;\r\n"
                        + "\tdkim=fail (body hash did not verify) header.d=example.org header.s=sel"
                        + " header.b=AbCdEfGh;\r\n"
                        + "\tdkim=temperror (internal error) header.d=example.org header.s=sel header.b=AbCdEfGh\r\n",
                AuthenticationResults.header("mx.test", Optional.empty(), Optional.of(List.of(fail, internal)),
                        Optional.empty(), "bob@example.org", false));
    }

    @Test
    void aPassWhoseBodyLengthLimitLeavesContentUnsignedSaysSo() {
        DkimResult partial = dkim(DkimResult.Reason.NONE, "", OptionalLong.of(120), 170);
        DkimResult whole = dkim(DkimResult.Reason.NONE, "", OptionalLong.of(170), 170);
        assertEquals("Authentication-Results: mx.test;\r\n"
                        + "\tdkim=pass (body length limit: 120 of 170 octets signed) header.d=example.org header.s=sel"
                        + " header.b=AbCdEfGh;\r\n"
                        + "\tdkim=pass header.d=example.org header.s=sel header.b=AbCdEfGh\r\n",
                AuthenticationResults.header("mx.test", Optional.empty(), Optional.of(List.of(partial, whole)),
                        Optional.empty(), "bob@example.org", false));
    }

    @Test
    void aNonAsciiSenderIsWrittenInUtf8InAnSmtputf8MessageOnly() {
        SpfVerdict pass = new SpfVerdict(SpfResult.PASS, SpfVerdict.Identity.MAILFROM, "sender.test",
                "domain of j\u00f6rg@sender.test designates 192.0.2.1 as permitted sender", "");
        String utf8 = AuthenticationResults.header("mx.test", Optional.of(pass), Optional.empty(), Optional.empty(),
                "j\u00f6rg@sender.test", true);
        assertEquals("Authentication-Results: mx.test;\r\n\tspf=pass (domain of j\u00f6rg@sender.test designates"
                + " 192.0.2.1 as permitted sender) smtp.mailfrom=\"j\u00f6rg@sender.test\"\r\n", utf8);
        assertEquals("\"j\u00c3\u00b6rg@sender.test\"", new String(utf8.getBytes(StandardCharsets.UTF_8),
                StandardCharsets.ISO_8859_1).replaceAll("(?s).*smtp.mailfrom=(.*)\r\n", "$1"),
                "the octets of the field are the UTF-8 of the address");
        assertEquals("Authentication-Results: mx.test;\r\n\tspf=pass (domain of j?rg@sender.test designates"
                + " 192.0.2.1 as permitted sender) smtp.mailfrom=\"j?rg@sender.test\"\r\n",
                AuthenticationResults.header("mx.test", Optional.of(pass), Optional.empty(), Optional.empty(),
                        "j\u00f6rg@sender.test", false));
    }

    @Test
    void controlsAreReplacedEvenInUtf8() {
        SpfVerdict odd = new SpfVerdict(SpfResult.FAIL, SpfVerdict.Identity.HELO, "evil.example",
                "a\r\nb\u0085c\u00e9", "");
        assertEquals("Authentication-Results: mx.test;\r\n\tspf=fail (a??b?c\u00e9) smtp.helo=evil.example\r\n",
                AuthenticationResults.header("mx.test", Optional.of(odd), Optional.empty(), Optional.empty(),
                        "evil.example", true));
    }

    private static DkimResult dkim(DkimResult.Reason reason, String detail, OptionalLong bodyLength, long bodyOctets) {
        return new DkimResult(reason.status(), reason, detail, "example.org", "sel", "@example.org", "rsa-sha256", 2048,
                bodyLength, bodyOctets, false, "AbCdEfGh");
    }

    @Test
    void fieldsForgedInOurNameAreRemovedOthersKept() {
        String message = "Received: from a by b\r\n"
                + "Authentication-Results: MX.test; spf=pass\r\n smtp.mailfrom=forged@example.org\r\n"
                + "Authentication-Results: other.example; dkim=pass\r\n"
                + "Authentication-Results: (a comment) mx.test;\r\n\tdkim=pass\r\n"
                + "Subject: hi\r\n\r\nAuthentication-Results: mx.test; in the body stays\r\n";
        assertEquals("Received: from a by b\r\n"
                        + "Authentication-Results: other.example; dkim=pass\r\n"
                        + "Subject: hi\r\n\r\nAuthentication-Results: mx.test; in the body stays\r\n",
                new String(AuthenticationResults.withoutForged(bytes(message), "mx.test"), StandardCharsets.UTF_8));
    }

    @Test
    void aSenderAddressThatIsNotPlainIsQuotedSoItCannotAddResults() {
        String header = AuthenticationResults.header("mx.test", Optional.of(SPF_PASS), Optional.empty(),
                Optional.empty(), "x@[1; dmarc=pass (header.from=bank.example]", false);
        assertEquals("Authentication-Results: mx.test;\r\n\tspf=pass (domain of bob@example.org designates"
                + " 192.0.2.1 as permitted sender) smtp.mailfrom=\"x@[1; dmarc=pass (header.from=bank.example]\"\r\n",
                header);
    }

    @Test
    void forgedFieldsHidingOurNameInNestedCommentsOrQuotesAreRemovedToo() {
        String message = "Authentication-Results: (a(b)c) mx.test; dkim=pass\r\n"
                + "Authentication-Results: \"mx.test\"; dmarc=pass\r\nSubject: hi\r\n\r\nbody\r\n";
        assertEquals("Subject: hi\r\n\r\nbody\r\n",
                new String(AuthenticationResults.withoutForged(bytes(message), "mx.test"), StandardCharsets.UTF_8));
    }

    @Test
    void aMessageWithNothingForgedIsReturnedAsItIs() {
        byte[] message = bytes("Subject: hi\r\n\r\nbody\r\n");
        assertSame(message, AuthenticationResults.withoutForged(message, "mx.test"));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
