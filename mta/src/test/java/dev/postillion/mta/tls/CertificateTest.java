package dev.postillion.mta.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import dev.postillion.mta.SmtpClient;
import dev.postillion.mta.TestNode;
import dev.postillion.mta.TlsTrust;
import dev.postillion.mta.smtp.ListenerRole;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the listeners' certificate comes from: the operator's PEM files, or one the node makes. */
class CertificateTest {

    @TempDir Path dir;

    @Test
    void aSelfSignedCertificateIsMadeOnceForTheHostnameAndKeptAcrossRestarts() throws IOException {
        Path data = dir.resolve("data");
        byte[] first;
        try (TestNode node = TestNode.start(data)) {
            X509Certificate made = TlsTrust.generatedCertificate(data);
            assertEquals("CN=mx.test", made.getSubjectX500Principal().getName());
            assertEquals(made, presented(node, ListenerRole.MX, made));
            first = Files.readAllBytes(data.resolve("tls/self-signed-cert.pem"));
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(data.resolve("tls/self-signed-key.pem"))));
        }
        try (TestNode restarted = TestNode.start(data)) {
            assertArrayEquals(first, Files.readAllBytes(data.resolve("tls/self-signed-cert.pem")));
            X509Certificate kept = TlsTrust.generatedCertificate(data);
            assertEquals(kept, presented(restarted, ListenerRole.SUBMISSIONS, kept));
        }
    }

    @Test
    void configuredPemFilesAreUsedAndTheirReplacementReachesNewConnections() throws IOException {
        Path cert = dir.resolve("fullchain.pem");
        Path key = dir.resolve("privkey.pem");
        X509Certificate first = pair(dir.resolve("first"), "first.test");
        install(dir.resolve("first"), cert, key);
        try (TestNode node = TestNode.start(dir.resolve("data"), Map.of(
                "postillion.tls.cert", cert.toString(), "postillion.tls.key", key.toString()), Clock.systemUTC())) {
            assertEquals(first, presented(node, ListenerRole.MX, first));
            assertTrue(Files.notExists(dir.resolve("data/tls")), "nothing generated when files are configured");

            // A renewal, with the key rewritten as SEC 1 ("EC PRIVATE KEY") as openssl writes it.
            X509Certificate second = pair(dir.resolve("second"), "second.test");
            Path secondKey = dir.resolve("second").resolve(GeneratedCertificate.KEY_FILE);
            Files.writeString(secondKey, sec1(secondKey), StandardCharsets.US_ASCII);
            install(dir.resolve("second"), cert, key);
            // Looked at again for each new connection: the next one has the new certificate.
            assertEquals(second, presented(node, ListenerRole.SUBMISSION, second));
            assertEquals(second, presented(node, ListenerRole.SUBMISSIONS, second));
        }
    }

    @Test
    void anUnreadableCertificateStopsTheStartNamingTheSetting() throws IOException {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\nnot base64\n");
        pair(dir.resolve("good"), "good.test");
        Path key = dir.resolve("good").resolve(GeneratedCertificate.KEY_FILE);
        ConfigException refused = assertThrows(ConfigException.class, () -> TestNode.start(dir.resolve("data"),
                Map.of("postillion.tls.cert", cert.toString(), "postillion.tls.key", key.toString()), Clock.systemUTC()));
        assertTrue(refused.getMessage().startsWith("Invalid value at 'postillion.tls.cert': cannot read " + cert),
                refused.getMessage());
    }

    @Test
    void aKeyOfAnotherCertificateStopsTheStartNamingTheSetting() throws IOException {
        pair(dir.resolve("one"), "one.test");
        pair(dir.resolve("two"), "two.test");
        Path cert = dir.resolve("one").resolve(GeneratedCertificate.CERTIFICATE_FILE);
        Path key = dir.resolve("two").resolve(GeneratedCertificate.KEY_FILE);
        ConfigException refused = assertThrows(ConfigException.class, () -> TestNode.start(dir.resolve("data"),
                Map.of("postillion.tls.cert", cert.toString(), "postillion.tls.key", key.toString()), Clock.systemUTC()));
        assertEquals("Invalid value at 'postillion.tls.key': " + key
                + " is not the private key of the first certificate in " + cert, refused.getMessage());
    }

    @Test
    void aCertificateWithoutItsKeyStopsTheStart() {
        ConfigException refused = assertThrows(ConfigException.class, () -> TestNode.start(dir.resolve("data"),
                Map.of("postillion.tls.cert", "/etc/x.pem"), Clock.systemUTC()));
        assertEquals("Invalid value at 'postillion.tls.key': must be set together with postillion.tls.cert"
                + " (or neither, for a self-signed certificate)", refused.getMessage());
    }

    /** A certificate and key made as a node makes its own, in {@code directory}. */
    private static X509Certificate pair(Path directory, String hostname) {
        return GeneratedCertificate.loadOrCreate(directory, hostname, Clock.systemUTC()).certificate();
    }

    /** Replaces the files as a renewal does: each new file moved over the old one. */
    private static void install(Path from, Path cert, Path key) throws IOException {
        Files.copy(from.resolve(GeneratedCertificate.KEY_FILE), key.resolveSibling("key.new"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.move(key.resolveSibling("key.new"), key, StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        Files.copy(from.resolve(GeneratedCertificate.CERTIFICATE_FILE), cert.resolveSibling("cert.new"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.move(cert.resolveSibling("cert.new"), cert, StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /** The PKCS#8 key file rewritten in SEC 1 form with its curve named, as openssl writes an EC key. */
    private static String sec1(Path pkcs8) throws IOException {
        CertifiedKey read = CertifiedKey.read(new TlsSettings.PemFiles(
                pkcs8.resolveSibling(GeneratedCertificate.CERTIFICATE_FILE), pkcs8));
        BigInteger secret = ((ECPrivateKey) read.key()).getS();
        StringWriter text = new StringWriter();
        try (PemWriter writer = new PemWriter(text)) {
            writer.writeObject(new PemObject("EC PRIVATE KEY",
                    new org.bouncycastle.asn1.sec.ECPrivateKey(256, secret, SECObjectIdentifiers.secp256r1).getEncoded()));
        }
        return text.toString();
    }

    /** The certificate a new STARTTLS (or implicit TLS) connection to {@code role} is given. */
    private static X509Certificate presented(TestNode node, ListenerRole role, X509Certificate trusted)
            throws IOException {
        SSLContext trust = TlsTrust.trusting(trusted);
        if (role.implicitTls()) {
            try (SmtpClient smtp = new SmtpClient(node.smtpPort(role), trust)) {
                return first(smtp.tlsSession().getPeerCertificates());
            }
        }
        try (SmtpClient smtp = new SmtpClient(node.smtpPort(role))) {
            smtp.reply();
            smtp.command("EHLO client.test");
            smtp.command("STARTTLS");
            return first(smtp.startTls(trust).getPeerCertificates());
        }
    }

    private static X509Certificate first(Certificate[] chain) {
        return (X509Certificate) chain[0];
    }
}
