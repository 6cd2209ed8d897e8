package dev.postillion.mta.policy.dkim;

import dev.postillion.core.SecretFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key-encryption key of the secrets the node keeps in the store (the DKIM private keys, the
 * passwords of mailbox imports under way): 256 random bits, base64 on one line of an owner-only
 * file. Private keys are sealed with AES-256-GCM (NIST SP 800-38D), a fresh 96-bit
 * nonce each time, and associated data that names what is sealed, so that a sealed key copied to
 * another domain's record does not open. Whoever reads the store without this file reads no key.
 */
public final class MasterKey {

    private static final Logger log = LoggerFactory.getLogger(MasterKey.class);
    private static final int KEY_OCTETS = 32;
    private static final int NONCE_OCTETS = 12;
    private static final int TAG_BITS = 128;
    private static final String CIPHER = "AES/GCM/NoPadding";

    private final SecretKey key;
    private final SecureRandom random;

    private MasterKey(byte[] key, SecureRandom random) {
        this.key = new SecretKeySpec(key, "AES");
        this.random = random;
    }

    /**
     * The key in the settings' file. A file that does not exist is generated at the default place
     * in the data directory; a configured one must exist, as a new key there would silently make
     * every stored key unreadable.
     */
    public static MasterKey load(SigningSettings settings) {
        Path file = settings.masterKey();
        boolean generate = settings.generateMasterKey();
        try {
            if (generate && !Files.exists(file)) {
                create(file);
            }
            return new MasterKey(decode(Files.readString(file, StandardCharsets.US_ASCII), file), new SecureRandom());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or create the DKIM master key at " + file + ": " + e, e);
        }
    }

    /** Nonce, then ciphertext with its tag. */
    public byte[] seal(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
        byte[] nonce = new byte[NONCE_OCTETS];
        random.nextBytes(nonce);
        Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, associatedData);
        return ByteBuffer.allocate(NONCE_OCTETS + cipher.getOutputSize(plaintext.length))
                .put(nonce).put(cipher.doFinal(plaintext)).array();
    }

    /** @throws GeneralSecurityException when the sealed octets or their associated data were changed, or another key sealed them */
    public byte[] open(byte[] sealed, byte[] associatedData) throws GeneralSecurityException {
        if (sealed.length < NONCE_OCTETS) {
            throw new GeneralSecurityException("sealed key of " + sealed.length + " octets");
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

    private static byte[] decode(String text, Path file) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the DKIM master key in " + file + " is not base64");
        }
        if (key.length != KEY_OCTETS) {
            throw new IllegalStateException("the DKIM master key in " + file + " has " + key.length
                    + " octets; AES-256 needs " + KEY_OCTETS);
        }
        return key;
    }

    /** Another process creating the file at the same moment wins; its key is read. */
    private static void create(Path file) throws IOException {
        byte[] key = new byte[KEY_OCTETS];
        new SecureRandom().nextBytes(key);
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        try {
            SecretFile.create(file);
        } catch (FileAlreadyExistsException e) {
            return;
        }
        Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n", StandardCharsets.US_ASCII);
        log.info("Generated the DKIM master key in {}; keep it with the data: the signing keys cannot be read without it",
                file);
    }
}
