package dev.postillion.mta.tls;

import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;

/**
 * A certificate chain, the server's own certificate first, with the private key of that
 * certificate: what a TLS server presents.
 */
record CertifiedKey(PrivateKey key, List<X509Certificate> chain) {

    CertifiedKey {
        chain = List.copyOf(chain);
    }

    X509Certificate certificate() {
        return chain.get(0);
    }

    /**
     * Reads the operator's PEM files: the chain as {@code CERTIFICATE} blocks, the key as PKCS#8
     * ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC 1 ({@code EC PRIVATE KEY}),
     * unencrypted, since nobody is there to type a passphrase.
     *
     * @throws ConfigException.BadValue naming the setting whose file is unusable, and why
     */
    static CertifiedKey read(TlsSettings.PemFiles files) {
        List<X509Certificate> chain = readChain(files.chain());
        PrivateKey key = readKey(files.key());
        CertifiedKey read = new CertifiedKey(key, chain);
        if (!read.keyMatches()) {
            throw new ConfigException.BadValue(TlsSettings.KEY, files.key()
                    + " is not the private key of the first certificate in " + files.chain());
        }
        return read;
    }

    private static List<X509Certificate> readChain(Path file) {
        List<X509Certificate> chain = new ArrayList<>();
        try (PEMParser pem = parser(file)) {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            for (Object block = pem.readObject(); block != null; block = pem.readObject()) {
                if (block instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw unusable(TlsSettings.CERT, file, e);
        }
        if (chain.isEmpty()) {
            throw new ConfigException.BadValue(TlsSettings.CERT, file + " holds no PEM CERTIFICATE block");
        }
        return chain;
    }

    private static PrivateKey readKey(Path file) {
        Object block = null;
        try (PEMParser pem = parser(file)) {
            block = pem.readObject();
            // An EC PARAMETERS block before the key, as openssl writes one, says nothing new.
            while (block instanceof ASN1ObjectIdentifier) {
                block = pem.readObject();
            }
            // PKCS#1 and SEC 1 keys come as a key pair, PKCS#8 as the key's info.
            if (block instanceof PEMKeyPair pair) {
                return privateKey(pair.getPrivateKeyInfo());
            }
            if (block instanceof PrivateKeyInfo info) {
                return privateKey(info);
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw unusable(TlsSettings.KEY, file, e);
        }
        throw new ConfigException.BadValue(TlsSettings.KEY, file + (block == null ? " holds no PEM private key"
                : " holds an encrypted or unknown key block; an unencrypted PEM key is needed"));
    }

    private static PEMParser parser(Path file) throws IOException {
        Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        return new PEMParser(reader);
    }

    /** A key of the JDK's own providers, which is what its TLS implementation signs with. */
    private static PrivateKey privateKey(PrivateKeyInfo info) throws IOException, GeneralSecurityException {
        ASN1ObjectIdentifier algorithm = info.getPrivateKeyAlgorithm().getAlgorithm();
        String name;
        if (algorithm.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            name = "RSA";
        } else if (algorithm.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            name = "EC";
        } else {
            throw new GeneralSecurityException("an RSA or EC key is needed, not " + algorithm);
        }
        return KeyFactory.getInstance(name).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
    }

    private static ConfigException unusable(String setting, Path file, Exception cause) {
        return new ConfigException.BadValue(setting, "cannot read " + file + ": " + cause.getMessage());
    }

    /** Whether the key signs what the certificate's public key verifies: files of one pair. */
    private boolean keyMatches() {
        try {
            String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            byte[] probe = "postillion".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate().getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
