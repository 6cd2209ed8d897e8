package dev.postillion.auth.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.auth.TxtZone;
import dev.postillion.auth.dkim.DkimResult.Reason;
import dev.postillion.auth.dkim.DkimResult.Status;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * dkimpy's DKIM test data ({@code shared/testdata/dkim}), read in place: the signed messages with
 * the key records dkimpy's tests serve for them, dkimpy's unsigned messages signed here with every
 * test key in every canonicalization, and the broken key records.
 */
class DkimVectorsTest {

    /** RFC 8463 appendix A.2: the Ed25519 key of the example; not among the data files. */
    static final String RFC8463_BRISBANE = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

    /**
     * gmail.com's 20120113 key, which signed test2.message. Google has since revoked it; dkimpy's
     * tests serve this copy of it, as the data directory does not hold it.
     */
    static final String GMAIL_20120113 = "k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA1Kd87/UeJjenpabgbFwh"
            + "+eBCsSTrqmwIYYvywlbhbqoo2DymndFkbjOVIPIldNs/m40KF+yzMn1skyoxcTUGCQ"
            + "s8g3FgD2Ap3ZB5DekAo5wMmk4wimDO+U8QzI3SD07y2+07wlNWwIt8svnxgdxGkVbb"
            + "hzY8i+RQ9DpSVpPbF7ykQxtKXkv/ahW3KjViiAH+ghvvIhkx4xYSIc9oSwVmAl5Oct"
            + "MEeWUwg8Istjqz8BZeTWbf41fbNhte7Y+YqZOwq1Sd0DbvYAD9NOZK9vlfuac0598H"
            + "Y+vtSBczUiKERHv1yRbcaQtZFh5wtiRrN04BLUTD21MycBX5jYchHjPY/wIDAQAB";

    private static final Clock NOW = Clock.fixed(Instant.parse("2024-06-01T00:00:00Z"), ZoneOffset.UTC);
    private static final List<String> UNSIGNED = List.of(
            "test.message", "rfc6376.msg", "rfc6376.w1258.msg", "test_extra.message", "ed25519test.msg",
            "message.mbox");
    private static final List<String> CANONICALIZATIONS = List.of(
            "simple/simple", "simple/relaxed", "relaxed/simple", "relaxed/relaxed");

    /** A private key with the record that publishes its public half. */
    private record KeyPair(String privateKey, String record) {}

    private static final List<KeyPair> KEYS = List.of(
            new KeyPair("test.private", "test.txt"),
            new KeyPair("test2.private", "test2.txt"),
            new KeyPair("1024_testkey.key", "1024_testkey_wo_markers.pub.txt"),
            new KeyPair("1024_testkey.key", "1024_testkey_wo_markers.pub.rsa.txt"),
            new KeyPair("2048_testkey.key", "2048_testkey_wo_markers.pub.txt"),
            new KeyPair("2048_testkey.key", "2048_testkey_wo_markers.pub.rsa.txt"),
            new KeyPair("2048_testkey_PKCS8.key", "2048_testkey_PKCS8.key.pub.txt"),
            new KeyPair("ed25519test.key", "ed25519test.dns"),
            new KeyPair("rfc8032_7_1.key", null));

    @TestFactory
    Stream<DynamicTest> signedMessagesVerify() {
        if (!DkimTestData.present()) {
            return Stream.of(DkimTestData.missing());
        }
        TxtZone football = new TxtZone()
                .add("brisbane._domainkey.football.example.com", RFC8463_BRISBANE)
                .add("test._domainkey.football.example.com", DkimTestData.record("test.txt"));
        return Stream.of(
                expect("rfc6376.signed.msg (RFC 8463 appendix A.3)", "rfc6376.signed.msg", football,
                        pass("ed25519-sha256", "football.example.com", "brisbane"),
                        pass("rsa-sha256", "football.example.com", "test")),
                expect("rfc6376.signed.rsa.msg", "rfc6376.signed.rsa.msg", football,
                        pass("rsa-sha256", "football.example.com", "test")),
                expect("ed25519test2.msg (Exim's prototype Ed25519)", "ed25519test2.msg",
                        new TxtZone().add("sed._domainkey.test.ex", DkimTestData.record("eximtest.dns")),
                        pass("ed25519-sha256", "test.ex", "sed")),
                expect("test2.message (degenerate folding)", "test2.message",
                        new TxtZone().add("20120113._domainkey.gmail.com", GMAIL_20120113),
                        pass("rsa-sha256", "gmail.com", "20120113")),
                expect("test.message.baddomain", "test.message.baddomain", football,
                        new Expected(Status.PERMERROR, Reason.MALFORMED_SIGNATURE, "", "test", "rsa-sha256")),
                expect("message.mbox (kitterman.com's key is not in the data)", "message.mbox", new TxtZone(),
                        new Expected(Status.PERMERROR, Reason.NO_KEY, "kitterman.com", "2007-00", "rsa-sha256")));
    }

    /** dkimpy's test_verifies and test_extra_headers: every test key, every canonicalization, all fields. */
    @TestFactory
    Stream<DynamicTest> unsignedMessagesSignedHereVerify() {
        if (!DkimTestData.present()) {
            return Stream.of(DkimTestData.missing());
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (String file : UNSIGNED) {
            for (KeyPair keys : KEYS) {
                for (String canonicalization : CANONICALIZATIONS) {
                    tests.add(DynamicTest.dynamicTest(file + " signed with " + keys.privateKey() + " ("
                            + keys.record() + "), c=" + canonicalization,
                            () -> signAndVerify(file, keys, canonicalization)));
                }
            }
        }
        return tests.stream();
    }

    /** dkimpy's broken key records: each makes a good signature a permanent error. */
    @TestFactory
    Stream<DynamicTest> brokenKeyRecordsFail() {
        if (!DkimTestData.present()) {
            return Stream.of(DkimTestData.missing());
        }
        return Stream.of(
                brokenKey("badk.txt", Reason.KEY_UNSUITABLE),
                brokenKey("badversion.txt", Reason.MALFORMED_KEY),
                brokenKey("test_bad.txt", Reason.MALFORMED_KEY),
                brokenKey("test_tlsrpt.txt", Reason.KEY_UNSUITABLE));
    }

    /** dkimpy's test_no_from_fails: a signature that does not sign From is ignored (RFC 6376 section 6.1.1). */
    @TestFactory
    Stream<DynamicTest> signatureWithoutFromFails() {
        if (!DkimTestData.present()) {
            return Stream.of(DkimTestData.missing());
        }
        return Stream.of(DynamicTest.dynamicTest("test_nofrom.message", () -> {
            byte[] signed = new DkimTestSigner(DkimTestData.privateKey("test.private"))
                    .headers(List.of("To", "Subject", "Date", "Message-ID"))
                    .sign(DkimTestData.message("test_nofrom.message"));
            DkimResult result = only(verify(signed, zone("test.txt")));
            assertEquals(Status.PERMERROR, result.status(), result::toString);
            assertEquals(Reason.MALFORMED_SIGNATURE, result.reason(), result::toString);
        }));
    }

    /**
     * Ed25519 signatures are deterministic (RFC 8032 section 5.1.6): signing rfc6376.msg with
     * RFC 8463's private key and the example's own tags gives the example's b= exactly.
     */
    @TestFactory
    Stream<DynamicTest> rfc8463ExampleIsReproduced() {
        if (!DkimTestData.present()) {
            return Stream.of(DkimTestData.missing());
        }
        return Stream.of(DynamicTest.dynamicTest("RFC 8463 appendix A.3 b=", () -> {
            HeaderField example = DkimMessage.parse(DkimTestData.message("rfc6376.signed.msg")).signatures().get(0);
            String template = new String(HeaderHash.withoutSignatureValue(example.raw()), StandardCharsets.ISO_8859_1);
            TagList tags = TagList.parse(example.value(), Reason.MALFORMED_SIGNATURE);
            String expected = TagList.stripFws(tags.get("b").orElseThrow());
            DkimMessage unsigned = DkimMessage.parse(DkimTestData.message("rfc6376.msg"));
            String b = new DkimTestSigner(DkimTestData.privateKey("rfc8032_7_1.key"))
                    .signature(unsigned, template, Canonicalization.SIMPLE);
            assertEquals(expected, b);
        }));
    }

    private record Expected(Status status, Reason reason, String domain, String selector, String algorithm) {}

    private static Expected pass(String algorithm, String domain, String selector) {
        return new Expected(Status.PASS, Reason.NONE, domain, selector, algorithm);
    }

    private static DynamicTest expect(String name, String file, TxtZone zone, Expected... expected) {
        return DynamicTest.dynamicTest(name, () -> {
            List<DkimResult> results = verify(DkimTestData.message(file), zone);
            assertEquals(expected.length, results.size(), results::toString);
            for (int i = 0; i < expected.length; i++) {
                DkimResult result = results.get(i);
                Expected want = expected[i];
                assertEquals(want, new Expected(result.status(), result.reason(), result.domain(), result.selector(),
                        result.algorithm()), result::toString);
                assertFalse(result.bodyPartiallySigned(), result::toString);
            }
        });
    }

    private static void signAndVerify(String file, KeyPair keys, String canonicalization) throws Exception {
        byte[] message = DkimTestData.message(file);
        TxtZone zone = keys.record() == null
                ? new TxtZone().add("test._domainkey.example.com", RFC8463_BRISBANE)
                : zone(keys.record());
        byte[] signed = signer(keys.privateKey(), message).canonicalization(canonicalization).sign(message);
        DkimResult result = verify(signed, zone).get(0); // message.mbox keeps its own signature below
        assertEquals(Status.PASS, result.status(), result::toString);
        assertTrue(result.keyBits() >= DkimSettings.RFC_8301_MIN_RSA_BITS || result.algorithm().startsWith("ed25519"),
                result::toString);
    }

    /** Signs every header field, as dkimpy's test_extra_headers does, repeated ones included. */
    private static DkimTestSigner signer(String privateKey, byte[] message) {
        List<String> names = DkimMessage.parse(message).headers().stream().map(HeaderField::name).toList();
        return new DkimTestSigner(DkimTestData.privateKey(privateKey)).headers(names);
    }

    private static DynamicTest brokenKey(String record, Reason reason) {
        return DynamicTest.dynamicTest(record, () -> {
            PrivateKey key = DkimTestData.privateKey("test.private");
            byte[] signed = new DkimTestSigner(key).sign(DkimTestData.message("test.message"));
            DkimResult result = only(verify(signed, zone(record)));
            assertEquals(Status.PERMERROR, result.status(), result::toString);
            assertEquals(reason, result.reason(), result::toString);
        });
    }

    private static TxtZone zone(String record) {
        return new TxtZone().add("test._domainkey.example.com", DkimTestData.record(record));
    }

    private static List<DkimResult> verify(byte[] message, TxtZone zone) throws Exception {
        DkimVerifier verifier = new DkimVerifier(zone, DkimSettings.DEFAULTS, NOW, ForkJoinPool.commonPool());
        return verifier.verify(message).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static DkimResult only(List<DkimResult> results) {
        assertEquals(1, results.size(), results::toString);
        return results.get(0);
    }
}
