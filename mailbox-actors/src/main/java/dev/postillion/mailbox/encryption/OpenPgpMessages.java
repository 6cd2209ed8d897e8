package dev.postillion.mailbox.encryption;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.Date;
import java.util.Iterator;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyDataDecryptorFactory;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;

/**
 * Messages as an encrypted mailbox stores them: an OpenPGP message (RFC 4880 section 11.3; RFC
 * 9580) whose literal data is the whole message as delivered, encrypted with AES-256 in an
 * integrity-protected packet (SEIPD v1, section 5.13) to the address's X25519 subkey. Anyone
 * holding the secret key reads it with any OpenPGP implementation (GnuPG: {@code gpg --decrypt}).
 */
public final class OpenPgpMessages {

    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * The first byte of what {@link #encrypt} writes: a new-format packet header (bits 7 and 6)
     * of a public-key encrypted session key packet (tag 1). A message as RFC 5322 writes it
     * starts with a field name, printable ASCII, so stored content starting so is ours.
     */
    private static final int SESSION_KEY_PACKET = 0xC0 | 1;
    private static final int OLD_SESSION_KEY_PACKET = 0x80 | (1 << 2);

    private OpenPgpMessages() {}

    /** {@code content} encrypted to the encryption subkey of {@code publicKey} (a transferable public key). */
    public static byte[] encrypt(byte[] publicKey, byte[] content) {
        try {
            PGPEncryptedDataGenerator generator = new PGPEncryptedDataGenerator(
                    new BcPGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256)
                            .setWithIntegrityPacket(true).setSecureRandom(RANDOM));
            generator.addMethod(new BcPublicKeyKeyEncryptionMethodGenerator(encryptionKey(publicKey))
                    .setSecureRandom(RANDOM));
            ByteArrayOutputStream encrypted = new ByteArrayOutputStream(content.length + 512);
            try (OutputStream sealed = generator.open(encrypted, new byte[1 << 16]);
                    OutputStream literal = new PGPLiteralDataGenerator().open(sealed, PGPLiteralData.BINARY, "",
                            content.length, new Date(0))) {
                literal.write(content);
            }
            return encrypted.toByteArray();
        } catch (PGPException e) {
            throw new IllegalStateException("OpenPGP encryption failed", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether stored content is an OpenPGP message of {@link #encrypt}, not a message in the clear. */
    public static boolean isEncrypted(byte[] content) {
        return content.length > 0 && ((content[0] & 0xFF) == SESSION_KEY_PACKET
                || (content[0] & 0xFC) == OLD_SESSION_KEY_PACKET);
    }

    /**
     * The message inside {@code encrypted}, decrypted with {@code secretKey} (a transferable secret
     * key, unprotected) and its integrity checked; fails for another key or altered content.
     */
    static byte[] decrypt(PGPSecretKeyRing secretKey, byte[] encrypted) {
        try {
            PGPEncryptedDataList list = encryptedDataList(new BcPGPObjectFactory(encrypted));
            for (PGPEncryptedData data : list) {
                if (data instanceof PGPPublicKeyEncryptedData sealed
                        && secretKey.getSecretKey(sealed.getKeyIdentifier()) != null) {
                    return literal(sealed, secretKey.getSecretKey(sealed.getKeyIdentifier()));
                }
            }
            throw new IllegalArgumentException("the message is not encrypted to this key");
        } catch (PGPException e) {
            throw new IllegalArgumentException("the message cannot be decrypted: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] literal(PGPPublicKeyEncryptedData sealed, PGPSecretKey key)
            throws PGPException, IOException {
        PGPPrivateKey privateKey = key.extractPrivateKey(null);
        try (InputStream clear = sealed.getDataStream(new BcPublicKeyDataDecryptorFactory(privateKey))) {
            Object packet = new BcPGPObjectFactory(clear).nextObject();
            if (packet instanceof PGPCompressedData compressed) {
                // What other implementations write (GnuPG compresses by default, RFC 4880 section 5.6).
                packet = new BcPGPObjectFactory(compressed.getDataStream()).nextObject();
            }
            if (!(packet instanceof PGPLiteralData literal)) {
                throw new PGPException("no literal data inside the encrypted packet");
            }
            byte[] content;
            try (InputStream data = literal.getDataStream()) {
                content = data.readAllBytes();
            }
            if (!sealed.verify()) {
                throw new PGPException("the integrity check failed");
            }
            return content;
        }
    }

    private static PGPEncryptedDataList encryptedDataList(BcPGPObjectFactory objects) throws IOException {
        Object first = objects.nextObject();
        if (first instanceof PGPEncryptedDataList list) {
            return list;
        }
        throw new IOException("not an OpenPGP encrypted message");
    }

    private static PGPPublicKey encryptionKey(byte[] publicKey) throws IOException {
        PGPPublicKeyRing ring = new PGPPublicKeyRing(publicKey, new BcKeyFingerprintCalculator());
        Iterator<PGPPublicKey> keys = ring.getPublicKeys();
        while (keys.hasNext()) {
            PGPPublicKey key = keys.next();
            if (key.isEncryptionKey() && !key.isMasterKey()) {
                return key;
            }
        }
        throw new IOException("the public key has no encryption subkey");
    }
}
