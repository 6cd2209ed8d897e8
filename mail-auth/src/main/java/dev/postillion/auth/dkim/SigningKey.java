package dev.postillion.auth.dkim;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.Base64;

/**
 * One key a domain signs with: its algorithm, its selector, the public key as published and the
 * private key.
 *
 * @param publicKeyInfo the public key as an X.509 SubjectPublicKeyInfo (DER)
 */
public record SigningKey(SigningAlgorithm algorithm, String selector, byte[] publicKeyInfo, PrivateKey privateKey) {

    /**
     * RFC 8301 section 3.2: signers must use RSA keys of at least 1024 bits and should use 2048;
     * 2048 keeps the record within what every DNS provider takes.
     */
    static final int RSA_BITS = 2048;
    private static final int ED25519_KEY_OCTETS = 32;

    /** A new key pair for {@code algorithm}: Ed25519 or RSA-2048. */
    public static SigningKey generate(SigningAlgorithm algorithm, String selector) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm.keyType().jcaName());
            if (algorithm.keyType() == KeyType.RSA) {
                generator.initialize(RSA_BITS);
            }
            KeyPair pair = generator.generateKeyPair();
            return new SigningKey(algorithm, selector, pair.getPublic().getEncoded(), pair.getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java 17 generates " + algorithm.keyType().tag() + " keys", e);
        }
    }

    /**
     * The TXT record to publish for a public key (RFC 6376 section 3.6.1): RSA's {@code p=} is the
     * SubjectPublicKeyInfo, Ed25519's the raw 32-octet key (RFC 8463 section 4.2).
     */
    public static String record(KeyType type, byte[] publicKeyInfo) {
        return "v=DKIM1; k=" + type.tag() + "; p=" + Base64.getEncoder().encodeToString(published(type, publicKeyInfo));
    }

    /** Names the key only: some JDKs' private keys print their private exponent. */
    @Override
    public String toString() {
        return algorithm.tag() + " key " + selector;
    }

    private static byte[] published(KeyType type, byte[] publicKeyInfo) {
        if (type == KeyType.RSA) {
            return publicKeyInfo;
        }
        // RFC 8410 section 4: the SubjectPublicKeyInfo of Ed25519 ends with the raw key as its BIT STRING.
        return Arrays.copyOfRange(publicKeyInfo, publicKeyInfo.length - ED25519_KEY_OCTETS, publicKeyInfo.length);
    }
}
