package dev.postillion.auth.dkim;

import java.io.ByteArrayOutputStream;

/**
 * Just enough DER (ITU-T X.690) to give Java's key factories what they read: a
 * SubjectPublicKeyInfo (RFC 5280 section 4.1) around the key forms DKIM records carry.
 */
final class Der {

    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int SEQUENCE = 0x30;

    /** AlgorithmIdentifier of rsaEncryption (RFC 8017 appendix A.1), parameters NULL. */
    static final byte[] RSA_ALGORITHM = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00
    };
    /** AlgorithmIdentifier of Ed25519 (RFC 8410 section 3), without parameters. */
    static final byte[] ED25519_ALGORITHM = {0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70};

    private static final int SHORT_LENGTH = 0x80;
    private static final int OCTET_BITS = 8;

    private Der() {}

    /** A PKCS#1 RSAPublicKey (RFC 8017 appendix A.1.1) as a SubjectPublicKeyInfo. */
    static byte[] rsaSubjectPublicKeyInfo(byte[] rsaPublicKey) {
        return tlv(SEQUENCE, RSA_ALGORITHM, bitString(rsaPublicKey));
    }

    /** A raw 32-octet Ed25519 public key (RFC 8463 section 4) as a SubjectPublicKeyInfo (RFC 8410 section 4). */
    static byte[] ed25519SubjectPublicKeyInfo(byte[] rawKey) {
        return tlv(SEQUENCE, ED25519_ALGORITHM, bitString(rawKey));
    }

    /** A BIT STRING of whole octets: no unused bits. */
    static byte[] bitString(byte[] octets) {
        return tlv(BIT_STRING, new byte[] {0}, octets);
    }

    /** Tag, length and the contents, concatenated. */
    static byte[] tlv(int tag, byte[]... contents) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] part : contents) {
            body.writeBytes(part);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.size() + 6);
        out.write(tag);
        writeLength(out, body.size());
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    /** Short form below 128, else the long form: 0x80 plus the count of length octets, then those. */
    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < SHORT_LENGTH) {
            out.write(length);
            return;
        }
        int octets = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + OCTET_BITS - 1) / OCTET_BITS;
        out.write(SHORT_LENGTH | octets);
        for (int i = octets - 1; i >= 0; i--) {
            out.write(length >>> (i * OCTET_BITS));
        }
    }
}
