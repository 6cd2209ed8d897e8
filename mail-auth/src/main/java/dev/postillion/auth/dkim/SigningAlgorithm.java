package dev.postillion.auth.dkim;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.Optional;

/** The {@code a=} signing algorithms this verifier knows (RFC 6376 section 3.3, RFC 8463 section 3). */
public enum SigningAlgorithm {

    /** RFC 6376 section 3.3.2: RSASSA-PKCS1-v1_5 over SHA-256. */
    RSA_SHA256("rsa-sha256", KeyType.RSA, "SHA-256", "sha256", "SHA256withRSA"),
    /** RFC 6376 section 3.3.1; known only to be refused (RFC 8301 section 3.1). */
    RSA_SHA1("rsa-sha1", KeyType.RSA, "SHA-1", "sha1", "SHA1withRSA"),
    /** RFC 8463 section 3: PureEdDSA (Ed25519) over the SHA-256 hash of the header data. */
    ED25519_SHA256("ed25519-sha256", KeyType.ED25519, "SHA-256", "sha256", "Ed25519");

    private final String tag;
    private final KeyType keyType;
    private final String digest;
    private final String hashName;
    private final String jcaSignature;

    SigningAlgorithm(String tag, KeyType keyType, String digest, String hashName, String jcaSignature) {
        this.tag = tag;
        this.keyType = keyType;
        this.digest = digest;
        this.hashName = hashName;
        this.jcaSignature = jcaSignature;
    }

    /** The algorithm named by an {@code a=} value, case-insensitively. */
    static Optional<SigningAlgorithm> byTag(String value) {
        return Arrays.stream(values()).filter(algorithm -> algorithm.tag.equalsIgnoreCase(value)).findFirst();
    }

    String tag() {
        return tag;
    }

    public KeyType keyType() {
        return keyType;
    }

    /** The JCA name of the hash, for the body hash (RFC 6376 section 3.7). */
    String digest() {
        return digest;
    }

    /** The hash as a key record's {@code h=} names it (RFC 6376 section 3.6.1). */
    String hashName() {
        return hashName;
    }

    /** Whether {@code signature} is the signature of the canonicalized header data with {@code key}. */
    boolean verify(PublicKey key, byte[] headerData, byte[] signature) throws GeneralSecurityException {
        Signature verifier = Signature.getInstance(jcaSignature);
        verifier.initVerify(key);
        verifier.update(signedData(headerData));
        return verifier.verify(signature);
    }

    /** Signs the canonicalized header data with {@code key}: the mirror image of {@link #verify}. */
    byte[] sign(PrivateKey key, byte[] headerData) throws GeneralSecurityException {
        Signature signer = Signature.getInstance(jcaSignature);
        signer.initSign(key);
        signer.update(signedData(headerData));
        return signer.sign();
    }

    /** RSA hashes inside the signature scheme; Ed25519 signs the SHA-256 hash (RFC 8463 section 3). */
    private byte[] signedData(byte[] headerData) throws GeneralSecurityException {
        return keyType == KeyType.ED25519 ? MessageDigest.getInstance(digest).digest(headerData) : headerData;
    }
}
