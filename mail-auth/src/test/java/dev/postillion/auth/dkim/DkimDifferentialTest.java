package dev.postillion.auth.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.postillion.auth.TxtZone;
import dev.postillion.auth.dkim.DkimResult.Status;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our DKIM against dkimpy, an independent implementation, over thousands of messages made from a
 * seed ({@link RandomMessages}): what we sign, dkimpy verifies; what dkimpy signs, we verify, with
 * the same body hash. Every canonicalization and both algorithms take turns, with and without
 * {@code l=}. Tests that check our verifier against our own signer cannot find a canonicalization
 * fault, since both sides share it: a body line over 256 octets broke relaxed canonicalization so.
 * A failure names the seed, the message's index and what was tried, to make it again.
 */
class DkimDifferentialTest {

    private static final long SEED = 6376;
    private static final int MESSAGES = 2_000;
    private static final String DOMAIN = "example.com";
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final List<String> CANONICALIZATIONS =
            List.of("simple/simple", "simple/relaxed", "relaxed/simple", "relaxed/relaxed");
    private static final Pattern BODY_HASH = Pattern.compile("bh=([A-Za-z0-9+/=\\s]+);");
    private static final Pattern BODY_LENGTH = Pattern.compile("l=(\\d+)");

    private static Dkimpy.Server dkimpy;
    private static SigningKey rsa;
    private static SigningKey ed25519;

    private final RandomMessages messages = new RandomMessages(SEED);
    private final List<String> failures = new ArrayList<>();

    @BeforeAll
    static void startDkimpy() throws Exception {
        dkimpy = Dkimpy.server();
        rsa = key(SigningAlgorithm.RSA_SHA256, "rsa", "RSA", 1024);
        ed25519 = key(SigningAlgorithm.ED25519_SHA256, "ed", "Ed25519", 0);
        dkimpy.key(rsa.selector(), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(rsa.privateKey().getEncoded())
                + "\n-----END PRIVATE KEY-----\n", record(rsa));
        // dkimpy signs with the 32-octet seed, the end of Java's PKCS#8 encoding (RFC 8410 section 7).
        byte[] pkcs8 = ed25519.privateKey().getEncoded();
        dkimpy.key(ed25519.selector(), Base64.getEncoder().encodeToString(
                Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length)), record(ed25519));
    }

    @AfterAll
    static void stopDkimpy() throws Exception {
        dkimpy.close();
    }

    @Test
    void dkimpyVerifiesWhatWeSign() throws Exception {
        for (int index = 0; index < MESSAGES; index++) {
            Case test = new Case(index);
            byte[] signed;
            try {
                signed = test.signedHere(messages.message(index));
            } catch (RuntimeException | GeneralSecurityException e) {
                failures.add(test + ": signing here failed: " + e);
                continue;
            }
            String verdict = dkimpy.verify(signed);
            if (!verdict.equals("pass")) {
                failures.add(test + ", signed here: dkimpy says " + verdict);
            }
        }
        assertNoFailures();
    }

    @Test
    void weVerifyWhatDkimpySigns() throws Exception {
        TxtZone zone = new TxtZone().add(rsa.selector() + "._domainkey." + DOMAIN, record(rsa))
                .add(ed25519.selector() + "._domainkey." + DOMAIN, record(ed25519));
        DkimVerifier verifier = new DkimVerifier(zone, DkimSettings.DEFAULTS, Clock.fixed(NOW, ZoneOffset.UTC),
                Runnable::run);
        for (int index = 0; index < MESSAGES; index++) {
            Case test = new Case(index);
            byte[] message = messages.message(index);
            String answer = dkimpy.sign(message, test.key.selector(), test.key.algorithm().tag(),
                    test.canonicalization, test.bodyLength);
            if (!answer.startsWith("ok ")) {
                failures.add(test + ": dkimpy could not sign: " + answer);
                continue;
            }
            String field = answer.substring(3);
            test.compareBodyHash(message, field);
            byte[] signed = concat(field.getBytes(StandardCharsets.US_ASCII), test.withAppendedContent(message));
            List<DkimResult> results = verifier.verify(signed).toCompletableFuture().get(10, TimeUnit.SECONDS);
            DkimResult result = results.get(0);
            if (result.status() != Status.PASS) {
                failures.add(test + ", signed by dkimpy: " + result.status().keyword() + " (" + result.reason().text()
                        + ": " + result.detail() + ")");
            } else if (result.bodyPartiallySigned() != test.appends(message)) {
                failures.add(test + ", signed by dkimpy: content after l= " + (test.appends(message) ? "not " : "")
                        + "noted");
            }
        }
        assertNoFailures();
    }

    /** What is tried on message {@code index}: the canonicalizations and algorithms take turns. */
    private final class Case {

        final int index;
        final String canonicalization;
        final SigningKey key;
        /** With {@code l=}: one case in three of each combination. */
        final boolean bodyLength;

        Case(int index) {
            this.index = index;
            this.canonicalization = CANONICALIZATIONS.get(index % CANONICALIZATIONS.size());
            this.key = (index / CANONICALIZATIONS.size()) % 2 == 0 ? rsa : ed25519;
            this.bodyLength = (index / (CANONICALIZATIONS.size() * 2)) % 3 == 0;
        }

        /**
         * The production signer for relaxed/relaxed without {@code l=}, the test signer (the same
         * canonicalization code) for the other combinations.
         */
        byte[] signedHere(byte[] message) throws GeneralSecurityException {
            if (canonicalization.equals("relaxed/relaxed") && !bodyLength) {
                return DkimSigner.sign(DkimMessage.parse(message), DOMAIN, List.of(key), NOW);
            }
            DkimTestSigner signer = new DkimTestSigner(key.privateKey()).algorithm(key.algorithm()).domain(DOMAIN)
                    .selector(key.selector()).canonicalization(canonicalization).headers(List.of("From", "Subject"));
            return (bodyLength ? signer.bodyLength() : signer).sign(message);
        }

        /** dkimpy's {@code bh=} (and {@code l=}) must be ours for the same body. */
        void compareBodyHash(byte[] message, String field) {
            try {
                compareBodyHashWith(message, field);
            } catch (RuntimeException e) {
                failures.add(this + ": hashing the body here failed: " + e);
            }
        }

        private void compareBodyHashWith(byte[] message, String field) {
            Matcher hash = BODY_HASH.matcher(field);
            Matcher length = BODY_LENGTH.matcher(field);
            if (!hash.find()) {
                failures.add(this + ": no bh= in dkimpy's field " + field);
                return;
            }
            long limit = bodyLength && length.find() ? Long.parseLong(length.group(1)) : Long.MAX_VALUE;
            Canonicalization body = canonicalization.endsWith("relaxed") ? Canonicalization.RELAXED
                    : Canonicalization.SIMPLE;
            BodyCanonicalizer.BodyHash ours = DkimMessage.parse(message).bodyHash(body, key.algorithm().digest(), limit);
            String theirs = hash.group(1).replaceAll("\\s", "");
            String mine = Base64.getEncoder().encodeToString(ours.digest());
            if (!theirs.equals(mine)) {
                failures.add(this + ": body hash " + mine + ", dkimpy's " + theirs);
            }
            if (bodyLength && limit != ours.length()) {
                failures.add(this + ": canonical body of " + ours.length() + " octets, dkimpy's l=" + limit);
            }
        }

        /**
         * Content after what an {@code l=} signature covers, which must still verify and be noted
         * (RFC 6376 section 8.2); only after a last CRLF that ends a line of content, since the
         * added text would otherwise change the signed last line, or the CRLF that is simple's
         * form of an empty body.
         */
        boolean appends(byte[] message) {
            return bodyLength && index % 2 == 0 && endsWith(message, "\r\n") && !endsWith(message, "\r\n\r\n");
        }

        byte[] withAppendedContent(byte[] message) {
            return appends(message) ? concat(message, "Appended after signing.\r\n".getBytes(StandardCharsets.US_ASCII))
                    : message;
        }

        @Override
        public String toString() {
            return "seed " + SEED + " message " + index + " (c=" + canonicalization + ", a=" + key.algorithm().tag()
                    + (bodyLength ? ", l=" : "") + ")";
        }
    }

    private void assertNoFailures() {
        assertEquals(List.of(), failures.subList(0, Math.min(10, failures.size())),
                failures.size() + " of " + MESSAGES + " cases failed; the first ten are listed");
    }

    private static SigningKey key(SigningAlgorithm algorithm, String selector, String jcaName, int bits)
            throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(jcaName);
        if (bits > 0) {
            generator.initialize(bits);
        }
        KeyPair pair = generator.generateKeyPair();
        return new SigningKey(algorithm, selector, pair.getPublic().getEncoded(), pair.getPrivate());
    }

    private static String record(SigningKey key) {
        return SigningKey.record(key.algorithm().keyType(), key.publicKeyInfo());
    }

    private static boolean endsWith(byte[] message, String end) {
        byte[] suffix = end.getBytes(StandardCharsets.US_ASCII);
        return message.length >= suffix.length
                && Arrays.equals(message, message.length - suffix.length, message.length, suffix, 0, suffix.length);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream(first.length + second.length);
        joined.writeBytes(first);
        joined.writeBytes(second);
        return joined.toByteArray();
    }
}
