package dev.postillion.queue.testing;

import dev.postillion.core.testing.TestKeys;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A TLS server's key and certificate chain, made up for a test: a self-signed certificate, or one
 * issued by a made-up CA for given DNS names. ECDSA P-256 keys, so that making them is quick.
 */
public final class TlsIdentity {

    private static final AtomicLong SERIALS = new AtomicLong(1);

    private final KeyPair key;
    /** The server's own certificate first, then its issuers up to the CA, if any. */
    private final List<X509Certificate> chain;

    private TlsIdentity(KeyPair key, List<X509Certificate> chain) {
        this.key = key;
        this.chain = List.copyOf(chain);
    }

    /** A self-signed certificate for {@code name}, as most mail servers without DANE have. */
    public static TlsIdentity selfSigned(String name) {
        KeyPair key = TestKeys.p256();
        return new TlsIdentity(key, List.of(certificate(name, key, name, key, false, name)));
    }

    /** A CA of its own, to issue certificates under ({@link #issue}); its certificate is a DANE-TA(2) anchor. */
    public static TlsIdentity authority(String name) {
        KeyPair key = TestKeys.p256();
        return new TlsIdentity(key, List.of(certificate(name, key, name, key, true)));
    }

    /**
     * A server certificate signed with this identity's key for {@code dnsNames}, presented with this
     * identity's chain. Issued by a non-CA (a server's own identity), it is the forgery DANE-TA(2)
     * must reject: a valid signature from a certificate not allowed to issue.
     */
    public TlsIdentity issue(String subject, String... dnsNames) {
        return signed(subject, false, dnsNames);
    }

    /** An intermediate CA under this one, presenting this identity's chain above its own certificate. */
    public TlsIdentity intermediate(String name) {
        return signed(name, true);
    }

    /** This identity presenting its chain without the CA's certificate at the top. */
    public TlsIdentity withoutAnchor() {
        return new TlsIdentity(key, chain.subList(0, chain.size() - 1));
    }

    private TlsIdentity signed(String subject, boolean authority, String... dnsNames) {
        KeyPair subjectKey = TestKeys.p256();
        List<X509Certificate> presented = new ArrayList<>(List.of(
                certificate(subject, subjectKey, commonName(chain.get(0)), key, authority, dnsNames)));
        presented.addAll(chain);
        return new TlsIdentity(subjectKey, presented);
    }

    /** The server's own certificate (the CA's, for an authority). */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** The last certificate of the chain: the CA's, or the server's own when self-signed. */
    public X509Certificate anchor() {
        return chain.get(chain.size() - 1);
    }

    /** Writes the chain, the server's certificate first, as PEM (RFC 7468): for Dovecot, or as a client's trusted CA. */
    public void writeChain(Path file) {
        try {
            StringBuilder certificates = new StringBuilder();
            for (X509Certificate certificate : chain) {
                certificates.append(pem("CERTIFICATE", certificate.getEncoded()));
            }
            Files.writeString(file, certificates);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the private key as PKCS #8 PEM (RFC 7468 section 10), for a server outside the JVM such as Dovecot. */
    public void writeKey(Path file) {
        try {
            Files.writeString(file, pem("PRIVATE KEY", key.getPrivate().getEncoded()));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    /** A TLS 1.2 and 1.3 server context presenting this chain. */
    public SSLContext serverContext() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key.getPrivate(), new char[0], chain.toArray(X509Certificate[]::new));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, new char[0]);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate certificate(String subject, KeyPair subjectKey, String issuer, KeyPair issuerKey,
            boolean authority, String... dnsNames) {
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name("CN=" + issuer),
                BigInteger.valueOf(SERIALS.getAndIncrement()), Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(30))), new X500Name("CN=" + subject), subjectKey.getPublic());
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
            if (dnsNames.length > 0) {
                GeneralName[] names = new GeneralName[dnsNames.length];
                for (int i = 0; i < dnsNames.length; i++) {
                    names[i] = new GeneralName(GeneralName.dNSName, dnsNames[i]);
                }
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
        } catch (OperatorCreationException | GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String commonName(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName().substring("CN=".length());
    }
}
