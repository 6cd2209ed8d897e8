package dev.postillion.mailbox.encryption;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.Features;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.operator.PGPKeyPairGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPairGeneratorProvider;

/**
 * A new OpenPGP key pair for an address (SPEC section 7, "an OpenPGP key pair on elliptic
 * curves"): an Ed25519 primary key that certifies, and an X25519 subkey that encrypts. They are
 * v4 keys with the algorithm ids of RFC 4880bis / RFC 9580's "legacy" EdDSA (22) and ECDH (18)
 * on Curve25519, the form GnuPG 2.2 and every deployed OpenPGP implementation read; RFC 9580's
 * newer ids (25, 27) are not read by GnuPG 2.2, and the user may want to take their key along.
 */
public final class MailboxKeys {

    /**
     * @param publicKey the transferable public key, binary (RFC 4880 section 11.1)
     * @param secretKey the transferable secret key, unprotected: it is only ever stored wrapped
     * @param fingerprint the primary key's v4 fingerprint, upper-case hex
     */
    public record Generated(byte[] publicKey, byte[] secretKey, String fingerprint) {}

    private static final SecureRandom RANDOM = new SecureRandom();

    private MailboxKeys() {}

    /** A key pair whose user id is {@code address}; CPU work, for a thread of {@link MailEncryption}. */
    static Generated generate(String address, Date created) {
        try {
            PGPKeyPairGenerator pairs = new BcPGPKeyPairGeneratorProvider().setSecureRandom(RANDOM)
                    .get(PublicKeyPacket.VERSION_4, created);
            PGPKeyPair primary = pairs.generateLegacyEd25519KeyPair();
            PGPKeyPair encryption = pairs.generateLegacyX25519KeyPair();
            PGPKeyRingGenerator rings = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, primary,
                    "<" + address + ">", new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA1),
                    primaryAttributes(), null,
                    new BcPGPContentSignerBuilder(primary.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA256),
                    null);
            rings.addSubKey(encryption, flags(KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE), null);
            return new Generated(rings.generatePublicKeyRing().getEncoded(),
                    rings.generateSecretKeyRing().getEncoded(),
                    HexFormat.of().formatHex(primary.getPublicKey().getFingerprint()).toUpperCase(Locale.ROOT));
        } catch (PGPException e) {
            throw new IllegalStateException("OpenPGP key generation failed", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The primary key certifies only; AES-256 preferred, and the integrity-protected packet (MDC) required. */
    private static PGPSignatureSubpacketVector primaryAttributes() {
        PGPSignatureSubpacketGenerator attributes = new PGPSignatureSubpacketGenerator();
        attributes.setKeyFlags(false, KeyFlags.CERTIFY_OTHER);
        attributes.setPreferredSymmetricAlgorithms(false, new int[] {SymmetricKeyAlgorithmTags.AES_256});
        attributes.setPreferredHashAlgorithms(false, new int[] {HashAlgorithmTags.SHA256});
        attributes.setFeature(false, Features.FEATURE_MODIFICATION_DETECTION);
        return attributes.generate();
    }

    private static PGPSignatureSubpacketVector flags(int flags) {
        PGPSignatureSubpacketGenerator attributes = new PGPSignatureSubpacketGenerator();
        attributes.setKeyFlags(false, flags);
        return attributes.generate();
    }

    /** The ASCII-armoured form of a binary key (RFC 4880 section 6.2), as users import it. */
    public static String armored(byte[] key) {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        try (ArmoredOutputStream armor = ArmoredOutputStream.builder()
                .clearHeaders().build(text)) {
            armor.write(key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString(StandardCharsets.US_ASCII);
    }
}
