package dev.postillion.auth.dkim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * A DKIM signer for tests only (RFC 6376 section 5): builds a DKIM-Signature field for a message
 * with the verifier's own canonicalization, so that tests can sign what they then tamper with.
 * dkimpy's signed messages check the shared code against an independent implementation.
 */
final class DkimTestSigner {

    private static final int FOLD_AT = 64;

    private final PrivateKey key;
    private SigningAlgorithm algorithm;
    private String domain = "example.com";
    private String selector = "test";
    private String canonicalization = "relaxed/relaxed";
    private List<String> headers = List.of("From", "To", "Subject", "Date", "Message-ID");
    private boolean bodyLength;
    private String extraTags = "";

    DkimTestSigner(PrivateKey key) {
        this.key = key;
        this.algorithm = "EdDSA".equals(key.getAlgorithm()) || "Ed25519".equals(key.getAlgorithm())
                ? SigningAlgorithm.ED25519_SHA256
                : SigningAlgorithm.RSA_SHA256;
    }

    DkimTestSigner algorithm(SigningAlgorithm value) {
        this.algorithm = value;
        return this;
    }

    DkimTestSigner domain(String value) {
        this.domain = value;
        return this;
    }

    DkimTestSigner selector(String value) {
        this.selector = value;
        return this;
    }

    /** The {@code c=} value, e.g. "simple/relaxed". */
    DkimTestSigner canonicalization(String value) {
        this.canonicalization = value;
        return this;
    }

    /** The {@code h=} names, in order; a name twice signs two fields, or its absence (RFC 6376 section 5.4.2). */
    DkimTestSigner headers(List<String> value) {
        this.headers = List.copyOf(value);
        return this;
    }

    /** Adds {@code l=} with the length of the whole canonical body. */
    DkimTestSigner bodyLength() {
        this.bodyLength = true;
        return this;
    }

    /** Tags written as they are before {@code b=}, e.g. {@code " t=1; x=2;"}. */
    DkimTestSigner extraTags(String value) {
        this.extraTags = value;
        return this;
    }

    /** The message with a DKIM-Signature field on top. */
    byte[] sign(byte[] message) {
        ByteArrayOutputStream signed = new ByteArrayOutputStream();
        signed.writeBytes(field(message).getBytes(StandardCharsets.ISO_8859_1));
        signed.writeBytes(new byte[] {'\r', '\n'});
        signed.writeBytes(message);
        return signed.toByteArray();
    }

    /** The DKIM-Signature field for {@code message}, without its CRLF. */
    String field(byte[] message) {
        DkimMessage parsed = DkimMessage.parse(message);
        String[] halves = canonicalization.split("/");
        Canonicalization body = parse(halves.length > 1 ? halves[1] : "simple");
        BodyCanonicalizer.BodyHash bodyHash = parsed.bodyHash(body, algorithm.digest(), Long.MAX_VALUE);
        String template = "DKIM-Signature: v=1; a=" + algorithm.tag() + "; c=" + canonicalization
                + "; d=" + domain + "; s=" + selector + ";\r\n\th=" + String.join(":", headers)
                + "; bh=" + Base64.getEncoder().encodeToString(bodyHash.digest()) + ";"
                + (bodyLength ? " l=" + bodyHash.length() + ";" : "") + extraTags + "\r\n\tb=";
        return template + fold(signature(parsed, template, parse(halves[0])));
    }

    /**
     * Signs a field whose {@code b=} is empty, taking {@code a=} and {@code h=} from it: the mirror
     * image of the verifier's check. Nothing else is checked, so that tests can sign what is wrong.
     */
    String signature(DkimMessage message, String template, Canonicalization headerCanonicalization) {
        HeaderField field = HeaderField.of(template.getBytes(StandardCharsets.ISO_8859_1));
        TagList tags;
        try {
            tags = TagList.parse(field.value(), DkimResult.Reason.MALFORMED_SIGNATURE);
        } catch (DkimException e) {
            throw new IllegalArgumentException("template does not parse: " + e.detail(), e);
        }
        List<String> names = Arrays.stream(tags.get("h").orElseThrow().split(":")).map(TagList::trimFws).toList();
        SigningAlgorithm signing = SigningAlgorithm.byTag(tags.get("a").orElseThrow()).orElseThrow();
        byte[] data = HeaderHash.data(message.headers(), names, field, headerCanonicalization);
        try {
            return Base64.getEncoder().encodeToString(signing.sign(key, data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Folds base64 into lines, as signers do; the verifier must ignore the white space. */
    private static String fold(String base64) {
        StringBuilder folded = new StringBuilder();
        for (int i = 0; i < base64.length(); i += FOLD_AT) {
            folded.append(i == 0 ? "" : "\r\n\t ").append(base64, i, Math.min(base64.length(), i + FOLD_AT));
        }
        return folded.toString();
    }

    private static Canonicalization parse(String name) {
        try {
            return Canonicalization.parse(name);
        } catch (DkimException e) {
            throw new IllegalArgumentException(e.detail(), e);
        }
    }
}
