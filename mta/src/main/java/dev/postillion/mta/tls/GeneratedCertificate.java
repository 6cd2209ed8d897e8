package dev.postillion.mta.tls;

import com.typesafe.config.ConfigException;
import dev.postillion.core.SecretFile;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate a node presents when the operator configured none: self-signed for the node's
 * hostname, made once and kept in the data directory, so that it stays the same across restarts
 * (a client that pinned it keeps trusting it). Made anew only when it is missing, unreadable,
 * expired, or made for another hostname. MX clients use opportunistic TLS and do not check
 * certificates (RFC 7435); submission clients must be told to trust it, or given a real one.
 */
final class GeneratedCertificate {

    static final String CERTIFICATE_FILE = "self-signed-cert.pem";
    static final String KEY_FILE = "self-signed-key.pem";

    private static final Logger log = LoggerFactory.getLogger(GeneratedCertificate.class);
    private static final Duration VALIDITY = Duration.ofDays(10 * 365);
    /** RFC 5280 section 4.2.1.6: the dNSName type of a subjectAltName, as the JDK lists it. */
    private static final int DNS_NAME = 2;

    private GeneratedCertificate() {}

    static CertifiedKey loadOrCreate(Path directory, String hostname, Clock clock) {
        TlsSettings.PemFiles files = new TlsSettings.PemFiles(directory.resolve(CERTIFICATE_FILE),
                directory.resolve(KEY_FILE));
        try {
            if (Files.exists(files.chain()) && Files.exists(files.key())) {
                CertifiedKey kept = CertifiedKey.read(files);
                if (usable(kept.certificate(), hostname, clock.instant())) {
                    return kept;
                }
                log.info("the self-signed certificate in {} is expired or names another host: making a new one",
                        directory);
            }
            return create(files, hostname, clock.instant());
        } catch (ConfigException e) {
            log.warn("the self-signed certificate in {} is unusable ({}): making a new one", directory, e.getMessage());
            return create(files, hostname, clock.instant());
        }
    }

    private static boolean usable(X509Certificate certificate, String hostname, Instant now) {
        try {
            certificate.checkValidity(Date.from(now));
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            return names != null && names.contains(List.of(DNS_NAME, hostname));
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static CertifiedKey create(TlsSettings.PemFiles files, String hostname, Instant now) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            X509Certificate certificate = selfSigned(pair, hostname, now);
            Files.createDirectories(files.key().getParent());
            Files.deleteIfExists(files.chain());
            Files.deleteIfExists(files.key());
            // The key first, readable by its owner only; the certificate, written last, marks
            // the pair complete.
            SecretFile.create(files.key());
            Files.writeString(files.key(), pem(new JcaPKCS8Generator(pair.getPrivate(), null)), StandardCharsets.US_ASCII);
            Files.writeString(files.chain(), pem(certificate), StandardCharsets.US_ASCII);
            log.info("made a self-signed certificate for {} in {}", hostname, files.chain());
            return new CertifiedKey(pair.getPrivate(), List.of(certificate));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the self-signed certificate to " + files.chain(), e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make a self-signed certificate", e);
        }
    }

    /** RFC 5280: the hostname as subject and as the dNSName that clients match (RFC 6125). */
    private static X509Certificate selfSigned(KeyPair pair, String hostname, Instant now)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, hostname).build();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                new BigInteger(128, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(VALIDITY)), name, pair.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, hostname)));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    }

    private static String pem(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }
}
