package dev.postillion.auth.dkim;

import static dev.postillion.auth.dkim.DkimResult.Reason.KEY_UNSUITABLE;
import static dev.postillion.auth.dkim.DkimResult.Reason.MALFORMED_KEY;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * A DKIM key record (RFC 6376 section 3.6.1), as published in DNS TXT at
 * {@code <selector>._domainkey.<domain>}.
 *
 * @param type {@code k=}, RSA by default
 * @param publicKey the key of {@code p=}; null when revoked
 * @param bits the key's size: the RSA modulus, or 256 for Ed25519; 0 when revoked
 * @param hashes {@code h=}, lower-cased; empty when absent, which allows every hash
 * @param testing {@code t=y}: the domain is testing DKIM
 * @param strictIdentity {@code t=s}: the domain of {@code i=} must be {@code d=} itself
 */
record DkimKey(KeyType type, PublicKey publicKey, int bits, List<String> hashes, boolean testing,
        boolean strictIdentity) {

    private static final int ED25519_KEY_OCTETS = 32;
    private static final int ED25519_BITS = 256;

    /** Parses a record, its TXT strings already joined (RFC 6376 section 3.6.2.2). */
    static DkimKey parse(String record) throws DkimException {
        TagList tags = TagList.parse(record, MALFORMED_KEY);
        checkVersion(tags);
        String encoded = TagList.stripFws(tags.require("p", MALFORMED_KEY));
        checkService(tags);
        KeyType type = type(tags);
        List<String> hashes = list(tags, "h");
        List<String> flags = list(tags, "t");
        PublicKey key = encoded.isEmpty() ? null : decode(type, base64(encoded));
        return new DkimKey(type, key, bits(key), hashes, flags.contains("y"), flags.contains("s"));
    }

    /** An empty {@code p=}: the domain has revoked the key. */
    boolean revoked() {
        return publicKey == null;
    }

    /**
     * Whether this key may verify {@code signature} (RFC 6376 section 6.1.2): its type is the
     * signature's, its {@code h=} allows the signature's hash, its {@code t=s} the signature's {@code i=}.
     */
    void checkSuits(DkimSignature signature) throws DkimException {
        SigningAlgorithm algorithm = signature.algorithm();
        if (type != algorithm.keyType()) {
            throw new DkimException(KEY_UNSUITABLE, "key type " + type.tag() + " does not suit a=" + algorithm.tag());
        }
        if (!hashes.isEmpty() && !hashes.contains(algorithm.hashName())) {
            throw new DkimException(KEY_UNSUITABLE, "key does not allow " + algorithm.hashName());
        }
        if (strictIdentity && !signature.identityDomain().equals(signature.domain())) {
            throw new DkimException(KEY_UNSUITABLE, "key has t=s and i= is a subdomain of d=");
        }
    }

    /** {@code v=}: optional, but if there it must be first and "DKIM1". */
    private static void checkVersion(TagList tags) throws DkimException {
        if (tags.get("v").isPresent() && (!"v".equals(tags.firstName()) || !"DKIM1".equals(tags.get("v").get()))) {
            throw new DkimException(MALFORMED_KEY, "bad key record version v=" + tags.get("v").get());
        }
    }

    /** {@code s=}: service types; the key must serve "email" or every service, "*" (the default). */
    private static void checkService(TagList tags) throws DkimException {
        List<String> services = list(tags, "s");
        if (!services.isEmpty() && !services.contains("*") && !services.contains("email")) {
            throw new DkimException(KEY_UNSUITABLE, "key is not for email: s=" + tags.get("s").get());
        }
    }

    private static KeyType type(TagList tags) throws DkimException {
        String tag = tags.get("k").orElse(KeyType.RSA.tag());
        return KeyType.byTag(tag).orElseThrow(() -> new DkimException(KEY_UNSUITABLE, "unknown key type k=" + tag));
    }

    /** A colon-separated tag value, lower-cased, white space removed; empty when the tag is absent. */
    private static List<String> list(TagList tags, String tag) {
        return tags.get(tag)
                .map(value -> Arrays.stream(value.split(":")).map(TagList::trimFws)
                        .map(item -> item.toLowerCase(Locale.ROOT)).toList())
                .orElse(List.of());
    }

    private static byte[] base64(String encoded) throws DkimException {
        try {
            return Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new DkimException(MALFORMED_KEY, "bad base64 in p=");
        }
    }

    private static PublicKey decode(KeyType type, byte[] key) throws DkimException {
        try {
            return type == KeyType.RSA ? rsa(key) : ed25519(key);
        } catch (GeneralSecurityException e) {
            throw new DkimException(MALFORMED_KEY, "p= is no " + type.tag() + " public key");
        }
    }

    /**
     * RFC 6376 section 3.6.1 publishes a SubjectPublicKeyInfo; some publish the bare PKCS#1
     * RSAPublicKey, which is taken too, as other verifiers take it.
     */
    private static PublicKey rsa(byte[] key) throws GeneralSecurityException {
        KeyFactory factory = KeyFactory.getInstance(KeyType.RSA.jcaName());
        try {
            return factory.generatePublic(new X509EncodedKeySpec(key));
        } catch (GeneralSecurityException notSubjectPublicKeyInfo) {
            return factory.generatePublic(new X509EncodedKeySpec(Der.rsaSubjectPublicKeyInfo(key)));
        }
    }

    /** RFC 8463 section 4: the raw 32-octet key. */
    private static PublicKey ed25519(byte[] key) throws GeneralSecurityException {
        if (key.length != ED25519_KEY_OCTETS) {
            throw new InvalidKeySpecException("Ed25519 key of " + key.length + " octets");
        }
        X509EncodedKeySpec spec = new X509EncodedKeySpec(Der.ed25519SubjectPublicKeyInfo(key));
        return KeyFactory.getInstance(KeyType.ED25519.jcaName()).generatePublic(spec);
    }

    private static int bits(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return rsa.getModulus().bitLength();
        }
        return key == null ? 0 : ED25519_BITS;
    }
}
