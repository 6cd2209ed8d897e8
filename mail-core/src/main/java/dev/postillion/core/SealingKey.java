package dev.postillion.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A 256-bit key that seals what the node keeps at rest (the DKIM private keys, the spool's
 * content): AES-256-GCM (NIST SP 800-38D), a fresh random 96-bit nonce each time, and associated
 * data naming what is sealed, so that sealed octets copied under another name do not open. The
 * one home of the node's sealing; keys for each purpose are derived from the master key
 * ({@link #derive}), so that no two purposes share a key.
 */
public final class SealingKey {

    public static final int KEY_OCTETS = 32;
    private static final int NONCE_OCTETS = 12;
    private static final int TAG_BITS = 128;
    private static final String CIPHER = "AES/GCM/NoPadding";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;

    /** @param key 32 octets, uniformly random or derived from such */
    public SealingKey(byte[] key) {
        if (key.length != KEY_OCTETS) {
            throw new IllegalArgumentException("a sealing key has " + KEY_OCTETS + " octets, not " + key.length);
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    /**
     * The key of one purpose: HKDF-Expand (RFC 5869 section 2.3) with HMAC-SHA256, this key as the
     * pseudorandom key (it is uniformly random, so the extract step may be skipped, section 3.3)
     * and {@code purpose} as the info: one block, 32 octets.
     */
    public SealingKey derive(String purpose) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            hmac.update(purpose.getBytes(StandardCharsets.UTF_8));
            return new SealingKey(hmac.doFinal(new byte[] {1}));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    /** Nonce, then ciphertext with its tag. */
    public byte[] seal(byte[] plaintext, byte[] associatedData) {
        byte[] nonce = new byte[NONCE_OCTETS];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, associatedData);
            return ByteBuffer.allocate(NONCE_OCTETS + cipher.getOutputSize(plaintext.length))
                    .put(nonce).put(cipher.doFinal(plaintext)).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available", e);
        }
    }

    /**
     * @throws GeneralSecurityException when the sealed octets or their associated data were
     *     changed, or another key sealed them
     */
    public byte[] open(byte[] sealed, byte[] associatedData) throws GeneralSecurityException {
        if (sealed.length < NONCE_OCTETS) {
            throw new GeneralSecurityException("sealed value of " + sealed.length + " octets");
        }
        Cipher cipher = cipher(Cipher.DECRYPT_MODE, Arrays.copyOf(sealed, NONCE_OCTETS), associatedData);
        return cipher.doFinal(sealed, NONCE_OCTETS, sealed.length - NONCE_OCTETS);
    }

    private Cipher cipher(int mode, byte[] nonce, byte[] associatedData) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance(CIPHER);
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(associatedData);
        return cipher;
    }
}
