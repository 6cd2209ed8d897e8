package dev.postillion.mta.policy.dkim;

import dev.postillion.core.SealingKey;
import dev.postillion.core.SecretFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's master key, the key-encryption key of the secrets the node keeps in the store: 256
 * random bits, base64 on one line of an owner-only file. The DKIM private keys and the passwords
 * of mailbox imports under way are sealed with it ({@link SealingKey}: AES-256-GCM, associated
 * data naming what is sealed, so that a sealed key copied to another domain's record does not
 * open), and the spool's content with a key derived from it. Whoever reads the store without this
 * file reads none of them.
 */
public final class MasterKey {

    private static final Logger log = LoggerFactory.getLogger(MasterKey.class);
    /** The spool's content key is derived under this name (RFC 5869's info). */
    private static final String SPOOL_CONTENT = "postillion spool content v1";

    private final SealingKey key;

    private MasterKey(byte[] key) {
        this.key = new SealingKey(key);
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
            return new MasterKey(decode(Files.readString(file, StandardCharsets.US_ASCII), file));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or create the DKIM master key at " + file + ": " + e, e);
        }
    }

    /**
     * The key the node's spool seals message content with (SPEC section 7: a message to an
     * address encrypted at rest never reaches the disk in the clear, the spool included).
     */
    public SealingKey spoolContentKey() {
        return key.derive(SPOOL_CONTENT);
    }

    /** Nonce, then ciphertext with its tag. */
    public byte[] seal(byte[] plaintext, byte[] associatedData) {
        return key.seal(plaintext, associatedData);
    }

    /** @throws GeneralSecurityException when the sealed octets or their associated data were changed, or another key sealed them */
    public byte[] open(byte[] sealed, byte[] associatedData) throws GeneralSecurityException {
        return key.open(sealed, associatedData);
    }

    private static byte[] decode(String text, Path file) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the DKIM master key in " + file + " is not base64");
        }
        if (key.length != SealingKey.KEY_OCTETS) {
            throw new IllegalStateException("the DKIM master key in " + file + " has " + key.length
                    + " octets; AES-256 needs " + SealingKey.KEY_OCTETS);
        }
        return key;
    }

    /** Another process creating the file at the same moment wins; its key is read. */
    private static void create(Path file) throws IOException {
        byte[] key = new byte[SealingKey.KEY_OCTETS];
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
