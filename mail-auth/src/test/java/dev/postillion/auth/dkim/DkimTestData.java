package dev.postillion.auth.dkim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;

/**
 * dkimpy's test data in {@code shared/testdata/dkim}, read where it lies, never copied: messages,
 * key records and private keys. The directory is {@code -Dpostillion.testdata} (or
 * {@code POSTILLION_TESTDATA}), else the first {@code shared/testdata} beside the working directory
 * or one of its ancestors, else {@code /work/shared/testdata}.
 */
final class DkimTestData {

    private static final Path FALLBACK = Path.of("/work/shared/testdata");
    private static final String FOLDER = "dkim";
    private static final String MARKER = "rfc6376.signed.msg";

    private DkimTestData() {}

    static Path dir() {
        String override = Optional.ofNullable(System.getProperty("postillion.testdata"))
                .orElse(System.getenv("POSTILLION_TESTDATA"));
        if (override != null && !override.isBlank()) {
            return Path.of(override).resolve(FOLDER);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/testdata").resolve(FOLDER);
            if (Files.isRegularFile(candidate.resolve(MARKER))) {
                return candidate;
            }
        }
        return FALLBACK.resolve(FOLDER);
    }

    static boolean present() {
        return Files.isRegularFile(dir().resolve(MARKER));
    }

    /**
     * A test that is skipped, saying why: surefire does not report a test factory that is itself
     * aborted, and a skip without its reason would go unnoticed.
     */
    static DynamicTest missing() {
        String reason = "DKIM test data not found at " + dir()
                + " (set -Dpostillion.testdata or POSTILLION_TESTDATA to the testdata directory)";
        return DynamicTest.dynamicTest("DKIM test data at " + dir(), () -> Assumptions.assumeTrue(false, reason));
    }

    /** A message file with its lines ended in CRLF, as SMTP carries them; CRLFs already there stay. */
    static byte[] message(String file) {
        return crlf(read(file));
    }

    /** A key record file (.txt, .dns): its one line. */
    static String record(String file) {
        return new String(read(file), StandardCharsets.ISO_8859_1).strip();
    }

    /**
     * A private key: PEM "RSA PRIVATE KEY" (PKCS#1) or "PRIVATE KEY" (PKCS#8), or an Ed25519
     * key as base64 of its 32-octet seed (RFC 8032 section 5.1.5), as dkimpy keeps them.
     */
    static PrivateKey privateKey(String file) {
        String text = new String(read(file), StandardCharsets.US_ASCII);
        try {
            if (text.contains("-----BEGIN RSA PRIVATE KEY-----")) {
                return rsa(pkcs1ToPkcs8(pem(text)));
            }
            if (text.contains("-----BEGIN PRIVATE KEY-----")) {
                return rsa(pem(text));
            }
            return ed25519(Base64.getDecoder().decode(text.strip()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read key " + file, e);
        }
    }

    static PrivateKey ed25519(byte[] seed) throws GeneralSecurityException {
        EdECPrivateKeySpec spec = new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed);
        return KeyFactory.getInstance("Ed25519").generatePrivate(spec);
    }

    static byte[] read(String file) {
        try {
            return Files.readAllBytes(dir().resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every LF not after a CR gets one. */
    static byte[] crlf(byte[] text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length + text.length / 20);
        for (int i = 0; i < text.length; i++) {
            if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) {
                out.write('\r');
            }
            out.write(text[i]);
        }
        return out.toByteArray();
    }

    private static PrivateKey rsa(byte[] pkcs8) throws GeneralSecurityException {
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    }

    /** The base64 between the PEM armour lines (RFC 7468). */
    private static byte[] pem(String text) {
        StringBuilder base64 = new StringBuilder();
        for (String line : text.split("\n")) {
            if (!line.startsWith("-----")) {
                base64.append(line.strip());
            }
        }
        return Base64.getDecoder().decode(base64.toString());
    }

    /** PrivateKeyInfo (RFC 5208 section 5) around a PKCS#1 RSAPrivateKey: version 0, rsaEncryption. */
    private static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
        return Der.tlv(Der.SEQUENCE, Der.tlv(Der.INTEGER, new byte[] {0}), Der.RSA_ALGORITHM,
                Der.tlv(Der.OCTET_STRING, pkcs1));
    }
}
