package dev.postillion.auth.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.auth.TxtZone;
import dev.postillion.auth.dkim.DkimResult.Reason;
import dev.postillion.auth.dkim.DkimResult.Status;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The signer against two verifiers: ours ({@link DkimVerifier}) and dkimpy, with keys made as the
 * key vault makes them and the records it publishes.
 */
class DkimSignerTest {

    /** Now: dkimpy refuses a t= in the future. */
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    /** As a domain's first keys: Ed25519 on top, then RSA (the key vault's DomainKeys). */
    private static final List<SigningKey> KEYS = List.of(SigningKey.generate(SigningAlgorithm.ED25519_SHA256, "ed1"),
            SigningKey.generate(SigningAlgorithm.RSA_SHA256, "rsa1"));
    private static final String MESSAGE = "Received: from client.test ([127.0.0.1])\r\n"
            + "\tby mx.test (Postillion) with ESMTP id 0123456789ABCDEF01234567\r\n"
            + "From: Anna <anna@example.test>\r\n"
            + "To: Bob <bob@remote.test>,\r\n  Carol <carol@remote.test>\r\n"
            + "Cc: dave@remote.test\r\n"
            + "Subject:   Signed   twice \r\n"
            + "Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
            + "Message-ID: <1@example.test>\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "X-Mailer: not signed\r\n"
            + "\r\n"
            + "Hello Bob,  \r\n"
            + "\r\n"
            + "two signatures, one message.\r\n"
            + "\r\n\r\n";

    @Test
    void bothSignaturesVerifyWithOurVerifier() throws Exception {
        List<DkimResult> results = verify(sign(MESSAGE));
        assertEquals(2, results.size());
        assertEquals(List.of("ed25519-sha256 ed1 pass", "rsa-sha256 rsa1 pass"), results.stream()
                .map(result -> result.algorithm() + " " + result.selector() + " " + result.status().name().toLowerCase())
                .toList(), results::toString);
        assertEquals(List.of(256, 2048), results.stream().map(DkimResult::keyBits).toList());
        assertTrue(results.stream().allMatch(result -> result.domain().equals("example.test")));
    }

    @Test
    void bothSignaturesVerifyWithDkimpy() throws Exception {
        assertEquals(List.of("0 pass ed25519-sha256", "1 pass rsa-sha256"),
                Dkimpy.verify(sign(MESSAGE), recordsJson()));
    }

    /** dkimpy must be able to fail, or its passes above prove nothing. */
    @Test
    void dkimpyFailsAnAlteredMessage() throws Exception {
        byte[] altered = text(sign(MESSAGE)).replace("one message", "one changed message").getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("0 fail body hash mismatch (got b'", "1 fail body hash mismatch (got b'"),
                Dkimpy.verify(altered, recordsJson()).stream().map(line -> line.substring(0, line.indexOf("'") + 1))
                        .toList());
    }

    @Test
    void theFieldNamesWhatIsSignedAndFoldsAtSeventyEightCharacters() throws Exception {
        String field = DkimSigner.field(DkimMessage.parse(bytes(MESSAGE)), "example.test", KEYS.get(1), NOW);
        assertTrue(field.startsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.test; s=rsa1;\r\n"
                + "\tt=" + NOW.getEpochSecond() + "; h=From:From:Subject:Date:Message-ID:To:Cc:MIME-Version:\r\n"
                + "\tContent-Type; bh="), field);
        assertTrue(field.lines().allMatch(line -> line.length() <= 78), field);
    }

    /** RFC 6376 section 8.15: a second From, above or below, breaks both signatures. */
    @Test
    void anAddedFromFieldBreaksTheSignatures() throws Exception {
        String signed = text(sign(MESSAGE));
        String below = signed.replace("\r\n\r\nHello", "\r\nFrom: Mallory <m@evil.test>\r\n\r\nHello");
        assertEquals(List.of(Reason.SIGNATURE_MISMATCH, Reason.SIGNATURE_MISMATCH),
                verify(bytes(below)).stream().map(DkimResult::reason).toList());
    }

    /** Relaxed canonicalization: re-folded headers and trailing white space still verify (RFC 6376 section 3.4.2). */
    @Test
    void refoldingOnTheWayKeepsThemValid() throws Exception {
        String refolded = text(sign(MESSAGE)).replace("Subject:   Signed   twice ", "Subject: Signed\r\n twice")
                .replace("Hello Bob,  ", "Hello Bob,");
        assertEquals(List.of(Status.PASS, Status.PASS), verify(bytes(refolded)).stream().map(DkimResult::status).toList());
    }

    @Test
    void fieldsAbsentFromTheMessageAreNotListedAndTheOthersAsOftenAsTheyOccur() {
        DkimMessage message = DkimMessage.parse(bytes("From: a@example.test\r\nTo: b@remote.test\r\n"
                + "Received: x\r\nTo: c@remote.test\r\n\r\nbody\r\n"));
        assertEquals(List.of("From", "From", "To", "To"), DkimSigner.signedNames(message.headers()));
    }

    static byte[] sign(String message) throws Exception {
        return DkimSigner.sign(DkimMessage.parse(bytes(message)), "example.test", KEYS, NOW);
    }

    private static List<DkimResult> verify(byte[] message) throws Exception {
        TxtZone zone = new TxtZone();
        KEYS.forEach(key -> zone.add(key.selector() + "._domainkey.example.test",
                SigningKey.record(key.algorithm().keyType(), key.publicKeyInfo())));
        DkimVerifier verifier = new DkimVerifier(zone, DkimSettings.DEFAULTS,
                Clock.fixed(NOW, ZoneOffset.UTC), ForkJoinPool.commonPool());
        return verifier.verify(message).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** The records as the admin API shows them. */
    private static String recordsJson() {
        return KEYS.stream()
                .map(key -> "{\"name\":\"" + key.selector() + "._domainkey.example.test\",\"type\":\"TXT\",\"value\":\""
                        + SigningKey.record(key.algorithm().keyType(), key.publicKeyInfo()) + "\"}")
                .collect(Collectors.joining(",", "{\"records\":[", "]}"));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
