package dev.postillion.mailbox.encryption;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;

/**
 * An address's secret key, unwrapped by its owner's login: what the owner's IMAP or POP3 session
 * holds in memory, and only there, to read its encrypted messages ({@link MailEncryption#open}).
 */
public final class MailboxKey {

    private final byte[] encoded;
    private final PGPSecretKeyRing ring;

    MailboxKey(byte[] encoded) {
        this.encoded = encoded.clone();
        try {
            this.ring = new PGPSecretKeyRing(encoded, new BcKeyFingerprintCalculator());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (PGPException e) {
            throw new IllegalStateException("the unwrapped secret key is not an OpenPGP secret key", e);
        }
    }

    byte[] decrypt(byte[] encrypted) {
        return OpenPgpMessages.decrypt(ring, encrypted);
    }

    /** The transferable secret key, for wrapping it again under a new password. */
    byte[] encoded() {
        return encoded.clone();
    }

    /** Never the key itself, wherever a key ends up printed. */
    @Override
    public String toString() {
        return "MailboxKey[" + Long.toHexString(ring.getPublicKey().getKeyID()) + "]";
    }
}
