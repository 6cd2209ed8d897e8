package dev.postillion.auth.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.auth.TxtZone;
import dev.postillion.auth.dkim.DkimResult.Reason;
import dev.postillion.auth.dkim.DkimResult.Status;
import dev.postillion.core.dns.NameService;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The verifier's rules, on messages signed here with keys made here (RFC 6376 section 6, RFC 8301,
 * RFC 8463), so that these tests need no shared data.
 */
class DkimVerifierTest {

    private static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String KEY_NAME = "test._domainkey.example.com";
    private static final KeyPair RSA = generate("RSA", 1024);
    private static final KeyPair ED25519 = generate("Ed25519", 0);
    private static final String MESSAGE = "From: Joe SixPack <joe@example.com>\r\n"
            + "To: Suzie Q <suzie@example.net>\r\n"
            + "Subject: Is dinner ready?\r\n"
            + "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"
            + "Message-ID: <20030712040037.46341.5F8J@example.com>\r\n"
            + "\r\n"
            + "Hi.\r\n"
            + "\r\n"
            + "We lost the game.  Are you hungry yet?\r\n"
            + "\r\n"
            + "Joe.\r\n";

    private final TxtZone zone = new TxtZone().add(KEY_NAME, rsaRecord(RSA)).add("ed._domainkey.example.com",
            ed25519Record(ED25519));

    @ParameterizedTest
    @ValueSource(strings = {
        "simple/simple", "simple/relaxed", "relaxed/simple", "relaxed/relaxed", "simple", "relaxed", "RELAXED/Simple"
    })
    void rsaSignaturesPassInEveryCanonicalization(String canonicalization) throws Exception {
        DkimResult result = verifyOne(rsa().canonicalization(canonicalization).sign(bytes(MESSAGE)));
        assertEquals(Status.PASS, result.status(), result::toString);
        assertEquals(Reason.NONE, result.reason());
        assertEquals("example.com", result.domain());
        assertEquals("test", result.selector());
        assertEquals("@example.com", result.identity());
        assertEquals("rsa-sha256", result.algorithm());
        assertEquals(1024, result.keyBits());
        assertEquals(8, result.headerB().length());
        assertFalse(result.bodyPartiallySigned());
        assertTrue(result.passed());
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple/simple", "simple/relaxed", "relaxed/simple", "relaxed/relaxed"})
    void ed25519SignaturesPassInEveryCanonicalization(String canonicalization) throws Exception {
        DkimResult result = verifyOne(ed25519().canonicalization(canonicalization).sign(bytes(MESSAGE)));
        assertEquals(Status.PASS, result.status(), result::toString);
        assertEquals("ed25519-sha256", result.algorithm());
        assertEquals(256, result.keyBits());
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple/simple", "relaxed/relaxed"})
    void alteredBodyFails(String canonicalization) throws Exception {
        for (DkimTestSigner signer : List.of(rsa(), ed25519())) {
            byte[] signed = signer.canonicalization(canonicalization).sign(bytes(MESSAGE));
            DkimResult result = verifyOne(concat(signed, "foo\r\n"));
            assertEquals(Status.FAIL, result.status(), result::toString);
            assertEquals(Reason.BODY_HASH_MISMATCH, result.reason(), result::toString);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple/simple", "relaxed/relaxed"})
    void alteredSignedHeaderFails(String canonicalization) throws Exception {
        for (DkimTestSigner signer : List.of(rsa(), ed25519())) {
            byte[] signed = signer.canonicalization(canonicalization).sign(bytes(MESSAGE));
            DkimResult result = verifyOne(replace(signed, "Subject: Is dinner ready?", "Subject: Is lunch ready?"));
            assertEquals(Status.FAIL, result.status(), result::toString);
            assertEquals(Reason.SIGNATURE_MISMATCH, result.reason(), result::toString);
        }
    }

    @Test
    void alteredSignatureTagFails() throws Exception {
        byte[] signed = rsa().sign(bytes(MESSAGE));
        DkimResult result = verifyOne(replace(signed, "s=test;", "s=test; z=added;"));
        assertEquals(Reason.SIGNATURE_MISMATCH, result.reason(), result::toString);
    }

    @Test
    void unsignedHeaderFieldMayBeAdded() throws Exception {
        byte[] signed = rsa().sign(bytes(MESSAGE));
        DkimResult result = verifyOne(replace(signed, "\r\n\r\nHi.", "\r\nX-Foo: bar\r\n\r\nHi."));
        assertEquals(Status.PASS, result.status(), result::toString);
    }

    /** dkimpy's test_multiple_from_fails, with From signed twice as signers do against this. */
    @ParameterizedTest
    @ValueSource(strings = {"top", "bottom"})
    void secondFromFailsWhenFromIsOversigned(String where) throws Exception {
        byte[] signed = rsa().headers(List.of("From", "From", "To", "Subject")).sign(bytes(MESSAGE));
        String evil = "From: \"Resident Evil\" <sales@spammer.com>\r\n";
        byte[] forged = "top".equals(where)
                ? replace(signed, "From: Joe", evil + "From: Joe")
                : replace(signed, "\r\n\r\nHi.", "\r\n" + evil + "\r\nHi.");
        assertEquals(Status.PASS, verifyOne(signed).status());
        DkimResult result = verifyOne(forged);
        assertEquals(Reason.SIGNATURE_MISMATCH, result.reason(), result::toString);
    }

    /** RFC 6376 section 5.4.2: a signed name without a field signs its absence. */
    @Test
    void fieldSignedAsAbsentMayNotBeAdded() throws Exception {
        byte[] signed = rsa().headers(List.of("From", "Subject", "Reply-To")).sign(bytes(MESSAGE));
        assertEquals(Status.PASS, verifyOne(signed).status());
        DkimResult result = verifyOne(replace(signed, "\r\n\r\nHi.", "\r\nReply-To: evil@example.org\r\n\r\nHi."));
        assertEquals(Reason.SIGNATURE_MISMATCH, result.reason(), result::toString);
    }

    /** RFC 6376 section 5.4.2: repeated fields are signed bottom-up. */
    @Test
    void repeatedFieldsAreSelectedBottomUp() throws Exception {
        String message = "Received: from a\r\nReceived: from b\r\nReceived: from c\r\n" + MESSAGE;
        byte[] signed = rsa().headers(List.of("From", "Received", "Received")).sign(bytes(message));
        assertEquals(Status.PASS, verifyOne(signed).status());
        assertEquals(Status.PASS, verifyOne(replace(signed, "from a", "from x")).status(), "the top one is unsigned");
        assertEquals(Reason.SIGNATURE_MISMATCH, verifyOne(replace(signed, "from b", "from x")).reason());
    }

    @Test
    void relaxedHeaderCanonicalizationToleratesWhiteSpaceAndCase() throws Exception {
        String refolded = "subject:   Is dinner\r\n\t ready?  ";
        byte[] relaxed = rsa().canonicalization("relaxed/simple").sign(bytes(MESSAGE));
        byte[] simple = rsa().canonicalization("simple/simple").sign(bytes(MESSAGE));
        assertEquals(Status.PASS, verifyOne(replace(relaxed, "Subject: Is dinner ready?", refolded)).status());
        DkimResult result = verifyOne(replace(simple, "Subject: Is dinner ready?", refolded));
        assertEquals(Reason.SIGNATURE_MISMATCH, result.reason(), result::toString);
    }

    @Test
    void relaxedBodyCanonicalizationToleratesWhiteSpace() throws Exception {
        String spaced = "We  lost\tthe game.  Are you hungry yet?   ";
        byte[] relaxed = rsa().canonicalization("simple/relaxed").sign(bytes(MESSAGE));
        byte[] simple = rsa().canonicalization("simple/simple").sign(bytes(MESSAGE));
        String original = "We lost the game.  Are you hungry yet?";
        assertEquals(Status.PASS, verifyOne(replace(relaxed, original, spaced)).status());
        assertEquals(Reason.BODY_HASH_MISMATCH, verifyOne(replace(simple, original, spaced)).reason());
    }

    /** RFC 6376 sections 3.4.3 and 3.4.4: empty lines at the end of the body are not part of it. */
    @ParameterizedTest
    @ValueSource(strings = {"simple/simple", "relaxed/relaxed"})
    void emptyLinesAtTheEndDoNotCount(String canonicalization) throws Exception {
        byte[] signed = rsa().canonicalization(canonicalization).sign(bytes(MESSAGE));
        assertEquals(Status.PASS, verifyOne(concat(signed, "\r\n\r\n\r\n")).status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple/simple", "relaxed/relaxed"})
    void messageWithoutBodyVerifies(String canonicalization) throws Exception {
        String headersOnly = MESSAGE.substring(0, MESSAGE.indexOf("\r\n\r\n") + 2);
        byte[] signed = rsa().canonicalization(canonicalization).sign(bytes(headersOnly));
        assertEquals(Status.PASS, verifyOne(signed).status());
    }

    /** RFC 8301 section 3.1. */
    @Test
    void rsaSha1Fails() throws Exception {
        DkimResult result = verifyOne(rsa().algorithm(SigningAlgorithm.RSA_SHA1).sign(bytes(MESSAGE)));
        assertEquals(Status.FAIL, result.status(), result::toString);
        assertEquals(Reason.SHA1, result.reason());
        assertEquals("rsa-sha1", result.algorithm());
        assertEquals(0, zone.asked().size(), "no key is needed to refuse rsa-sha1");
    }

    /** RFC 8301 section 3.2. */
    @Test
    void rsaKeyUnder1024BitsFails() throws Exception {
        KeyPair weak = generate("RSA", 512);
        zone.add("weak._domainkey.example.com", rsaRecord(weak));
        DkimResult result = verifyOne(new DkimTestSigner(weak.getPrivate()).selector("weak").sign(bytes(MESSAGE)));
        assertEquals(Status.FAIL, result.status(), result::toString);
        assertEquals(Reason.WEAK_KEY, result.reason());
        assertEquals(512, result.keyBits());
    }

    @Test
    void largerMinimumKeySizeIsHonoured() throws Exception {
        DkimSettings strict = new DkimSettings(true, 10, Duration.ofMinutes(5), 2048);
        DkimResult result = verify(rsa().sign(bytes(MESSAGE)), strict).get(0);
        assertEquals(Reason.WEAK_KEY, result.reason(), result::toString);
    }

    /** RFC 6376 section 8.2: l= covers the body as signed; what is appended is reported. */
    @Test
    void bodyLengthLetsAppendedContentThroughAndSaysSo() throws Exception {
        byte[] signed = rsa().bodyLength().sign(bytes(MESSAGE));
        DkimResult untouched = verifyOne(signed);
        assertEquals(Status.PASS, untouched.status(), untouched::toString);
        assertFalse(untouched.bodyPartiallySigned());
        assertTrue(untouched.bodyLength().isPresent());

        DkimResult appended = verifyOne(concat(signed, "Click here: https://evil.example/\r\n"));
        assertEquals(Status.PASS, appended.status(), appended::toString);
        assertTrue(appended.bodyPartiallySigned(), "content after l= octets is reported");
        assertEquals(untouched.bodyLength(), appended.bodyLength());
    }

    @Test
    void bodyShorterThanBodyLengthFails() throws Exception {
        byte[] signed = rsa().bodyLength().sign(bytes(MESSAGE));
        DkimResult result = verifyOne(replace(signed, "\r\nJoe.\r\n", ""));
        assertEquals(Reason.BODY_HASH_MISMATCH, result.reason(), result::toString);
    }

    @Test
    void bodyLengthStillCoversTheSignedPart() throws Exception {
        byte[] signed = rsa().bodyLength().sign(bytes(MESSAGE));
        DkimResult result = verifyOne(concat(replace(signed, "Hi.", "Yo."), "more\r\n"));
        assertEquals(Reason.BODY_HASH_MISMATCH, result.reason(), result::toString);
    }

    /** RFC 6376 section 3.5, x=. */
    @Test
    void expiredSignatureIsNeutral() throws Exception {
        long now = NOW.getEpochSecond();
        String tags = " t=" + (now - 86_400) + "; x=" + (now - 3_600) + ";";
        DkimResult result = verifyOne(rsa().extraTags(tags).sign(bytes(MESSAGE)));
        assertEquals(Status.NEUTRAL, result.status(), result::toString);
        assertEquals(Reason.EXPIRED, result.reason());
        assertEquals(0, zone.asked().size(), "no key is needed for an expired signature");
    }

    @Test
    void expiryWithinClockSkewPasses() throws Exception {
        long now = NOW.getEpochSecond();
        String tags = " t=" + (now - 86_400) + "; x=" + (now - 60) + ";";
        assertEquals(Status.PASS, verifyOne(rsa().extraTags(tags).sign(bytes(MESSAGE))).status());
        String future = " x=" + (now + 86_400) + ";";
        assertEquals(Status.PASS, verifyOne(rsa().extraTags(future).sign(bytes(MESSAGE))).status());
    }

    /** RFC 6376 section 3.6.1: an empty p= revokes the key. */
    @Test
    void revokedKeyFails() throws Exception {
        zone.add("revoked._domainkey.example.com", "v=DKIM1; k=rsa; p=");
        DkimResult result = verifyOne(rsa().selector("revoked").sign(bytes(MESSAGE)));
        assertEquals(Status.FAIL, result.status(), result::toString);
        assertEquals(Reason.KEY_REVOKED, result.reason());
    }

    @Test
    void dnsFailureIsTemporary() throws Exception {
        zone.failing("down._domainkey.example.com");
        DkimResult result = verifyOne(rsa().selector("down").sign(bytes(MESSAGE)));
        assertEquals(Status.TEMPERROR, result.status(), result::toString);
        assertEquals(Reason.DNS_FAILURE, result.reason());
        assertEquals("example.com", result.domain());
        assertEquals("down", result.selector());
    }

    @Test
    void failedLookupStageIsTemporary() throws Exception {
        NameService broken = (name, type) -> CompletableFuture.failedFuture(new IllegalStateException("resolver closed"));
        DkimVerifier verifier = new DkimVerifier(broken, DkimSettings.DEFAULTS, CLOCK, ForkJoinPool.commonPool());
        DkimResult result = verifier.verify(rsa().sign(bytes(MESSAGE))).toCompletableFuture().get(10, TimeUnit.SECONDS)
                .get(0);
        assertEquals(Status.TEMPERROR, result.status(), result::toString);
    }

    @Test
    void missingKeyIsPermanent() throws Exception {
        DkimResult result = verifyOne(rsa().selector("nokey").sign(bytes(MESSAGE)));
        assertEquals(Status.PERMERROR, result.status(), result::toString);
        assertEquals(Reason.NO_KEY, result.reason());
    }

    @Test
    void identityMayBeASubdomainOfTheSigningDomain() throws Exception {
        DkimResult result = verifyOne(rsa().extraTags(" i=joe=40home@mail.example.com;").sign(bytes(MESSAGE)));
        assertEquals(Status.PASS, result.status(), result::toString);
        assertEquals("joe@home@mail.example.com", result.identity(), "dkim-quoted-printable is decoded");
    }

    /** RFC 6376 section 6.1.1: i= outside d= is a permanent error. */
    @Test
    void identityOutsideTheSigningDomainIsMalformed() throws Exception {
        DkimResult result = verifyOne(rsa().extraTags(" i=joe@example.org;").sign(bytes(MESSAGE)));
        assertEquals(Status.PERMERROR, result.status(), result::toString);
        assertEquals(Reason.MALFORMED_SIGNATURE, result.reason());
        DkimResult lookalike = verifyOne(rsa().extraTags(" i=joe@badexample.com;").sign(bytes(MESSAGE)));
        assertEquals(Reason.MALFORMED_SIGNATURE, lookalike.reason(), lookalike::toString);
    }

    /** RFC 6376 section 3.6.1, t=s: no subdomains in i=. */
    @Test
    void strictKeyRefusesSubdomainIdentity() throws Exception {
        zone.add("strict._domainkey.example.com", rsaRecord(RSA) + "; t=s");
        DkimTestSigner signer = rsa().selector("strict");
        assertEquals(Status.PASS, verifyOne(signer.extraTags(" i=joe@example.com;").sign(bytes(MESSAGE))).status());
        DkimResult result = verifyOne(signer.extraTags(" i=joe@sub.example.com;").sign(bytes(MESSAGE)));
        assertEquals(Reason.KEY_UNSUITABLE, result.reason(), result::toString);
    }

    /** RFC 6376 section 3.6.1, t=y: failures of a testing domain count as no signature. */
    @Test
    void testingKeyMakesFailureNeutral() throws Exception {
        zone.add("testing._domainkey.example.com", rsaRecord(RSA) + "; t=y");
        byte[] signed = rsa().selector("testing").sign(bytes(MESSAGE));
        DkimResult pass = verifyOne(signed);
        assertEquals(Status.PASS, pass.status(), pass::toString);
        assertTrue(pass.testing());
        DkimResult failed = verifyOne(concat(signed, "tampered\r\n"));
        assertEquals(Status.NEUTRAL, failed.status(), failed::toString);
        assertEquals(Reason.BODY_HASH_MISMATCH, failed.reason());
        assertTrue(failed.testing());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "k=rsa; p=KEY                        | PASS",
        "v=DKIM1; k=rsa; s=email; p=KEY      | PASS",
        "v=DKIM1; h=sha1:sha256; p=KEY; n=hi | PASS",
        "v=DKIM1; h=sha1; p=KEY              | KEY_UNSUITABLE",
        "v=DKIM1; k=ed25519; p=KEY           | MALFORMED_KEY",
        "v=DKIM1; k=dsa; p=KEY               | KEY_UNSUITABLE",
        "v=DKIM1; s=tlsrpt; p=KEY            | KEY_UNSUITABLE",
        "k=rsa; v=DKIM1; p=KEY               | MALFORMED_KEY",
        "v=DKIM2; p=KEY                      | MALFORMED_KEY",
        "v=DKIM1; k=rsa                      | MALFORMED_KEY",
        "v=DKIM1; p=KEY; p=KEY               | MALFORMED_KEY",
        "v=DKIM1; p=!!!!                     | MALFORMED_KEY",
        "v=DKIM1; p=AAAA                     | MALFORMED_KEY",
    })
    void keyRecordRules(String record, String expected) throws Exception {
        String key = Base64.getEncoder().encodeToString(RSA.getPublic().getEncoded());
        zone.add("rules._domainkey.example.com", record.replace("KEY", key));
        DkimResult result = verifyOne(rsa().selector("rules").sign(bytes(MESSAGE)));
        if ("PASS".equals(expected)) {
            assertEquals(Status.PASS, result.status(), result::toString);
        } else {
            assertEquals(Reason.valueOf(expected), result.reason(), result::toString);
            assertEquals(Status.PERMERROR, result.status());
        }
    }

    @Test
    void keyRecordInSeveralStringsWithWhiteSpaceIsTaken() throws Exception {
        String key = Base64.getEncoder().encodeToString(RSA.getPublic().getEncoded());
        zone.add("spaced._domainkey.example.com", "v=DKIM1;\tk=rsa ;  p=" + key.substring(0, 40) + " "
                + key.substring(40) + " ;");
        assertEquals(Status.PASS, verifyOne(rsa().selector("spaced").sign(bytes(MESSAGE))).status());
    }

    @Test
    void firstKeyRecordThatParsesIsUsed() throws Exception {
        zone.add("two._domainkey.example.com", "not a key record", rsaRecord(RSA));
        assertEquals(Status.PASS, verifyOne(rsa().selector("two").sign(bytes(MESSAGE))).status());
    }

    /** RFC 6376 section 6.1.1: malformed signatures are permanent errors, unknown algorithms neutral. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "v=1; a=rsa-sha256; d=example.com; s=test; h=From; bh=AAAA; b=AAAA         | WELL_FORMED",
        "v=1; a=rsa-sha256; d=example.com; s=test; h=From; bh=AAAA                 | MALFORMED_SIGNATURE",
        "v=1; a=rsa-sha256; d=example.com; s=test; h=From; b=AAAA                  | MALFORMED_SIGNATURE",
        "a=rsa-sha256; d=example.com; s=test; h=From; bh=AAAA; b=AAAA              | MALFORMED_SIGNATURE",
        "v=2; a=rsa-sha256; d=example.com; s=test; h=From; bh=AAAA; b=AAAA         | MALFORMED_SIGNATURE",
        "v=1; v=1; a=rsa-sha256; d=example.com; s=test; h=From; bh=AAAA; b=AAAA    | MALFORMED_SIGNATURE",
        "v=1; a=rsa-sha256; d=example.com; s=test; h=To:Subject; bh=AAAA; b=AAAA   | MALFORMED_SIGNATURE",
        "v=1; a=rsa-sha256; d=example.com; s=test; h=From::To; bh=AAAA; b=AAAA     | MALFORMED_SIGNATURE",
        "v=1; a=rsa-sha256; d=exa(mple.com; s=test; h=From; bh=AAAA; b=AAAA        | MALFORMED_SIGNATURE",
        "v=1; a=rsa-sha256; d=example.com.; s=test; h=From; bh=AAAA; b=AAAA        | MALFORMED_SIGNATURE",
        "v=1; a=rsa-sha256; d=example.com; s=te st; h=From; bh=AAAA; b=AAAA        | MALFORMED_SIGNATURE",
        "v=1; a=rsa-sha256; d=example.com; s=test; h=From; bh=A!AA; b=AAAA         | MALFORMED_SIGNATURE",
        "v=1; a=rsa-sha256; d=example.com; s=test; h=From; bh=AAAA; b=AAAA; l=1x   | MALFORMED_SIGNATURE",
        "v=1; a=rsa-sha256; d=example.com; s=test; h=From; bh=AAAA; b=AAAA; x=1234567890123 | MALFORMED_SIGNATURE",
        "v=1; a=rsa-sha256; d=example.com; s=test; h=From; bh=AAAA; b=AAAA; t=20; x=10 | MALFORMED_SIGNATURE",
        "v=1; a=rsa-sha256; d=example.com; s=test; h=From; bh=AAAA; b=AAAA; i=joe  | MALFORMED_SIGNATURE",
        "v=1; a=rsa-sha256; d=example.com; s=test; h=From; bh=AAAA; b=AAAA; i=j=4 | MALFORMED_SIGNATURE",
        "v=1; a=rsa-sha256; ; d=example.com; s=test; h=From; bh=AAAA; b=AAAA       | MALFORMED_SIGNATURE",
        "v=1; a=rsa-sha256; d=example.com; s=test; h=From; bh=AAAA; b=AAAA; 1x=y   | MALFORMED_SIGNATURE",
        "v=1; a=rsa; d=example.com; s=test; h=From; bh=AAAA; b=AAAA                | MALFORMED_SIGNATURE",
        "v=1; a=rsa-sha512; d=example.com; s=test; h=From; bh=AAAA; b=AAAA         | UNSUPPORTED",
        "v=1; a=rsa-sha256; c=fancy/simple; d=example.com; s=test; h=From; bh=AAAA; b=AAAA | UNSUPPORTED",
        "v=1; a=rsa-sha256; c=simple/fancy; d=example.com; s=test; h=From; bh=AAAA; b=AAAA | UNSUPPORTED",
        "v=1; a=rsa-sha256; q=https; d=example.com; s=test; h=From; bh=AAAA; b=AAAA | UNSUPPORTED",
    })
    void signatureFieldRules(String tags, String expected) throws Exception {
        DkimResult result = verifyOne(bytes("DKIM-Signature: " + tags + "\r\n" + MESSAGE));
        if ("WELL_FORMED".equals(expected)) {
            assertEquals(Reason.BODY_HASH_MISMATCH, result.reason(), "well-formed: it gets as far as the body");
            return;
        }
        assertEquals(Reason.valueOf(expected), result.reason(), result::toString);
        assertEquals(Reason.valueOf(expected).status(), result.status());
    }

    @Test
    void malformedSignatureReportsOnlyWellFormedNames() throws Exception {
        DkimResult result = verifyOne(bytes("DKIM-Signature: v=1; d=\"evil\"; s=x y\r\n" + MESSAGE));
        assertEquals(Status.PERMERROR, result.status(), result::toString);
        assertEquals("", result.domain());
        assertEquals("", result.selector());
        DkimResult unparsable = verifyOne(bytes("DKIM-Signature: garbage\r\n" + MESSAGE));
        assertEquals(Reason.MALFORMED_SIGNATURE, unparsable.reason());
        assertEquals(OptionalLong.empty(), unparsable.bodyLength());
    }

    @Test
    void ed25519SignatureWithRsaKeyIsUnsuitable() throws Exception {
        DkimResult result = verifyOne(ed25519().selector("test").sign(bytes(MESSAGE)));
        assertEquals(Reason.KEY_UNSUITABLE, result.reason(), result::toString);
    }

    @Test
    void everySignatureIsReportedInOrder() throws Exception {
        byte[] once = rsa().sign(bytes(MESSAGE));
        byte[] twice = ed25519().sign(once);
        byte[] thrice = rsa().selector("nokey").domain("example.com").sign(twice);
        List<DkimResult> results = verify(thrice, DkimSettings.DEFAULTS);
        List<Reason> reasons = results.stream().map(DkimResult::reason).toList();
        assertEquals(List.of(Reason.NO_KEY, Reason.NONE, Reason.NONE), reasons);
        assertEquals(List.of("nokey", "ed", "test"), results.stream().map(DkimResult::selector).toList());
    }

    /** RFC 6376 section 8.4: a verifier may limit its work. */
    @Test
    void signaturesOverTheLimitAreNotChecked() throws Exception {
        byte[] signed = rsa().sign(rsa().sign(rsa().sign(bytes(MESSAGE))));
        DkimSettings two = new DkimSettings(true, 2, Duration.ofMinutes(5), 1024);
        List<DkimResult> results = verify(signed, two);
        List<Status> statuses = results.stream().map(DkimResult::status).toList();
        assertEquals(List.of(Status.PASS, Status.PASS, Status.NEUTRAL), statuses);
        assertEquals(Reason.NOT_CHECKED, results.get(2).reason());
        assertEquals("example.com", results.get(2).domain());
        assertEquals(2, zone.asked().size());
    }

    @Test
    void messageWithoutSignatureHasNoResults() throws Exception {
        assertEquals(List.of(), verify(bytes(MESSAGE), DkimSettings.DEFAULTS));
    }

    @Test
    void fieldNameIsCaseInsensitive() throws Exception {
        byte[] signed = rsa().sign(bytes(MESSAGE));
        assertEquals(Status.PASS, verifyOne(replace(signed, "DKIM-Signature:", "dkim-signature:")).status());
    }

    @Test
    void eightBitHeadersAreSignedAsOctets() throws Exception {
        byte[] latin1 = MESSAGE.replace("Joe SixPack", "Tom\u00e1\u0161").getBytes(StandardCharsets.UTF_8);
        for (String canonicalization : List.of("simple/simple", "relaxed/relaxed")) {
            DkimResult result = verifyOne(rsa().canonicalization(canonicalization).sign(latin1));
            assertEquals(Status.PASS, result.status(), result::toString);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "\r\n", "DKIM-Signature:", "DKIM-Signature\r\n\r\n", " folded first\r\nDKIM-Signature: ;"
    })
    void garbageGivesResultsNotExceptions(String message) throws Exception {
        List<DkimResult> results = verify(bytes(message), DkimSettings.DEFAULTS);
        assertTrue(results.stream().allMatch(result -> result.status() == Status.PERMERROR), results::toString);
    }

    @Test
    void emptyHashesAndSignatureFail() throws Exception {
        String fields = "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=test; h=From; bh=; b=\r\n";
        assertEquals(Reason.BODY_HASH_MISMATCH, verifyOne(bytes(fields + MESSAGE)).reason());
        String bodyHash = "frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=";
        String empty = "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=test; h=From; bh=" + bodyHash + "; b=\r\n";
        DkimResult result = verifyOne(bytes(empty + "From: a@example.com\r\n\r\n"));
        assertEquals(Reason.SIGNATURE_MISMATCH, result.reason(), result::toString);
    }

    private DkimTestSigner rsa() {
        return new DkimTestSigner(RSA.getPrivate());
    }

    private DkimTestSigner ed25519() {
        return new DkimTestSigner(ED25519.getPrivate()).selector("ed");
    }

    private DkimResult verifyOne(byte[] message) throws Exception {
        List<DkimResult> results = verify(message, DkimSettings.DEFAULTS);
        assertEquals(1, results.size(), results::toString);
        return results.get(0);
    }

    private List<DkimResult> verify(byte[] message, DkimSettings settings) throws Exception {
        DkimVerifier verifier = new DkimVerifier(zone, settings, CLOCK, ForkJoinPool.commonPool());
        return verifier.verify(message).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static String rsaRecord(KeyPair keys) {
        return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
    }

    /** RFC 8463 section 4: the raw key, which ends the SubjectPublicKeyInfo Java encodes. */
    static String ed25519Record(KeyPair keys) {
        byte[] encoded = keys.getPublic().getEncoded();
        byte[] raw = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
        return "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(raw);
    }

    static KeyPair generate(String algorithm, int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (bits > 0) {
                generator.initialize(bits);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] bytes(String message) {
        return message.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[] message, String more) {
        byte[] tail = bytes(more);
        byte[] joined = Arrays.copyOf(message, message.length + tail.length);
        System.arraycopy(tail, 0, joined, message.length, tail.length);
        return joined;
    }

    private static byte[] replace(byte[] message, String from, String to) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        assertTrue(text.contains(from), "message contains " + from);
        return bytes(text.replace(from, to));
    }
}
