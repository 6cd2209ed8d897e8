package dev.postillion.auth.dkim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Canonicalization (RFC 6376 section 3.4), header selection (section 5.4.2) and tag-lists (section 3.2). */
class DkimCanonicalizationTest {

    /** RFC 6376 section 3.4.5's example message. */
    private static final String EXAMPLE = "A: X\r\nB : Y\t\r\n\tZ  \r\n\r\n C \r\nD \t E\r\n\r\n\r\n";

    @Test
    void rfc6376ExampleHeadersRelaxed() {
        List<HeaderField> headers = DkimMessage.parse(bytes(EXAMPLE)).headers();
        assertEquals(2, headers.size());
        assertEquals("a:X", text(Canonicalization.RELAXED.header(headers.get(0).raw())));
        assertEquals("b:Y Z", text(Canonicalization.RELAXED.header(headers.get(1).raw())));
    }

    @Test
    void rfc6376ExampleHeadersSimple() {
        List<HeaderField> headers = DkimMessage.parse(bytes(EXAMPLE)).headers();
        assertEquals("A: X", text(Canonicalization.SIMPLE.header(headers.get(0).raw())));
        assertEquals("B : Y\t\r\n\tZ  ", text(Canonicalization.SIMPLE.header(headers.get(1).raw())));
        assertEquals("B", headers.get(1).name());
    }

    @Test
    void rfc6376ExampleBodyRelaxed() {
        assertBody(Canonicalization.RELAXED, EXAMPLE, " C\r\nD E\r\n");
    }

    @Test
    void rfc6376ExampleBodySimple() {
        assertBody(Canonicalization.SIMPLE, EXAMPLE, " C \r\nD \t E\r\n");
    }

    /** RFC 6376 section 3.4.3 and 3.4.4: an empty body is CRLF in simple, nothing in relaxed. */
    @Test
    void emptyBodies() {
        for (String message : List.of("A: X\r\n\r\n", "A: X\r\n\r\n\r\n\r\n", "A: X\r\n")) {
            assertBody(Canonicalization.SIMPLE, message, "\r\n");
            assertBody(Canonicalization.RELAXED, message, "");
        }
        String empty = "A: X\r\n\r\n";
        assertEquals("frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=", bodyHash(Canonicalization.SIMPLE, empty));
        assertEquals("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", bodyHash(Canonicalization.RELAXED, empty));
    }

    @Test
    void whiteSpaceOnlyLinesAtTheEnd() {
        String message = "A: X\r\n\r\nbody\r\n \t\r\n\r\n";
        assertBody(Canonicalization.SIMPLE, message, "body\r\n \t\r\n");
        assertBody(Canonicalization.RELAXED, message, "body\r\n");
    }

    @Test
    void lastLineWithoutCrlfGetsOne() {
        assertBody(Canonicalization.SIMPLE, "A: X\r\n\r\nbody", "body\r\n");
        assertBody(Canonicalization.RELAXED, "A: X\r\n\r\nbody  ", "body\r\n");
    }

    @Test
    void loneCrAndLfAreContent() {
        assertBody(Canonicalization.SIMPLE, "A: X\r\n\r\na\nb\rc\r\n", "a\nb\rc\r\n");
    }

    @Test
    void bodyLengthLimitsWhatIsHashed() throws Exception {
        byte[] message = bytes(EXAMPLE);
        DkimMessage parsed = DkimMessage.parse(message);
        BodyCanonicalizer.BodyHash hash = parsed.bodyHash(Canonicalization.RELAXED, "SHA-256", 4);
        assertEquals(" C\r\nD E\r\n".length(), hash.length());
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(bytes(" C\r\n")), hash.digest());
    }

    /** RFC 6376 section 5.4.2. */
    @Test
    void headerSelectionIsBottomUpAndSkipsWhatIsMissing() {
        String message = "Received: 1\r\nFrom: a\r\nReceived: 2\r\nSubject: s\r\nreceived: 3\r\n\r\n";
        List<HeaderField> headers = DkimMessage.parse(bytes(message)).headers();
        HeaderField signature = HeaderField.of(bytes("DKIM-Signature: x"));
        List<HeaderField> selected = HeaderHash.select(headers,
                List.of("received", "From", "Reply-To", "Received", "RECEIVED", "Received", "From"), signature);
        assertEquals(List.of("received: 3", "From: a", "Received: 2", "Received: 1"),
                selected.stream().map(field -> text(field.raw())).toList());
    }

    @Test
    void signatureFieldBeingVerifiedIsNeverSelected() {
        String message = "DKIM-Signature: old\r\nDKIM-Signature: this\r\nFrom: a\r\n\r\n";
        List<HeaderField> headers = DkimMessage.parse(bytes(message)).headers();
        List<HeaderField> selected = HeaderHash.select(headers, List.of("DKIM-Signature", "From"), headers.get(1));
        assertEquals(List.of("DKIM-Signature: old", "From: a"), selected.stream().map(f -> text(f.raw())).toList());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "DKIM-Signature: v=1; b=abc; bh=xyz     | DKIM-Signature: v=1; b=; bh=xyz",
        "DKIM-Signature: v=1; bh=xyz; b = a b c | DKIM-Signature: v=1; bh=xyz; b =",
        "DKIM-Signature: v=1; bh=xyz;b=abc;     | DKIM-Signature: v=1; bh=xyz;b=;",
        "DKIM-Signature:b=abc                   | DKIM-Signature:b=",
    })
    void signatureValueIsRemovedWithItsWhiteSpace(String field, String expected) {
        assertEquals(expected, text(HeaderHash.withoutSignatureValue(bytes(field))));
    }

    @Test
    void foldedSignatureValueIsRemoved() {
        String field = "DKIM-Signature: v=1; bh=xyz;\r\n\tb=abc\r\n\t def\r\n\t ";
        assertEquals("DKIM-Signature: v=1; bh=xyz;\r\n\tb=", text(HeaderHash.withoutSignatureValue(bytes(field))));
    }

    @Test
    void tagListKeepsInnerWhiteSpaceAndDropsOuter() throws Exception {
        TagList tags = TagList.parse(" v = 1 ;\r\n\th=From :\r\n To; z=a b ;", DkimResult.Reason.MALFORMED_SIGNATURE);
        assertEquals("1", tags.get("v").orElseThrow());
        assertEquals("From :\r\n To", tags.get("h").orElseThrow());
        assertEquals("a b", tags.get("z").orElseThrow());
        assertEquals("v", tags.firstName());
    }

    @Test
    void tagNamesAreCaseSensitive() throws Exception {
        TagList tags = TagList.parse("V=1; v=2", DkimResult.Reason.MALFORMED_SIGNATURE);
        assertEquals("2", tags.get("v").orElseThrow());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"v=1;;", "v=1; v=2", "=1", "v", "v=1; _x=2", "v=a\u0001b"})
    void malformedTagLists(String text) {
        DkimException e = assertThrows(DkimException.class,
                () -> TagList.parse(text, DkimResult.Reason.MALFORMED_KEY));
        assertEquals(DkimResult.Reason.MALFORMED_KEY, e.reason());
    }

    /** RFC 8616 section 4: a UTF-8 d= is looked up in A-labels. */
    @Test
    void internationalizedDomainBecomesALabels() throws Exception {
        byte[] utf8 = "b\u00fccher.example".getBytes(StandardCharsets.UTF_8);
        String utf8AsOctets = new String(utf8, StandardCharsets.ISO_8859_1);
        assertEquals("xn--bcher-kva.example", DomainNames.domain(utf8AsOctets, "d="));
        assertEquals("example.com", DomainNames.domain("EXAMPLE.com", "d="));
    }

    @Test
    void derLengthsInLongForm() {
        byte[] content = new byte[300];
        byte[] encoded = Der.tlv(Der.OCTET_STRING, content);
        assertArrayEquals(new byte[] {0x04, (byte) 0x82, 0x01, 0x2c}, Arrays.copyOf(encoded, 4));
        assertEquals(304, encoded.length);
    }

    private static void assertBody(Canonicalization canonicalization, String message, String expected) {
        try {
            BodyCanonicalizer.BodyHash hash = DkimMessage.parse(bytes(message))
                    .bodyHash(canonicalization, "SHA-256", Long.MAX_VALUE);
            assertEquals(expected.length(), hash.length(), "canonical length");
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(bytes(expected)), hash.digest(),
                    "canonical body of " + message);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String bodyHash(Canonicalization canonicalization, String message) {
        DkimMessage parsed = DkimMessage.parse(bytes(message));
        byte[] digest = parsed.bodyHash(canonicalization, "SHA-256", Long.MAX_VALUE).digest();
        return Base64.getEncoder().encodeToString(digest);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(byte[] octets) {
        return new String(octets, StandardCharsets.ISO_8859_1);
    }
}
