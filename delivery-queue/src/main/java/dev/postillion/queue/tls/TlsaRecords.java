package dev.postillion.queue.tls;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.xbill.DNS.TLSARecord;

/**
 * The TLSA records of a mail host that SMTP can use (RFC 7672 section 3.1), and whether a server's
 * certificate chain matches one of them.
 *
 * <p>Usable are DANE-TA(2) and DANE-EE(3) records, with selector Cert(0) or SPKI(1) and matching
 * type Full(0), SHA2-256(1) or SHA2-512(2) (RFC 7218's names), digests of the right length. PKIX-TA(0)
 * and PKIX-EE(1) are not usable for SMTP (section 3.1.3): MTAs share no set of trusted CAs.
 */
public final class TlsaRecords {

    private static final int DANE_TA = 2;
    private static final int DANE_EE = 3;
    private static final int SELECTOR_CERT = 0;
    private static final int SELECTOR_SPKI = 1;
    private static final int MATCH_FULL = 0;
    private static final int MATCH_SHA256 = 1;
    private static final int MATCH_SHA512 = 2;

    /** The key algorithms of certificates in use on the Internet, as the JDK names them. */
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");

    private final List<TLSARecord> records;

    private TlsaRecords(List<TLSARecord> records) {
        this.records = List.copyOf(records);
    }

    /** The usable records among those published; empty when none is (then DANE does not apply). */
    public static Optional<TlsaRecords> usable(List<TLSARecord> published) {
        List<TLSARecord> usable = published.stream().filter(TlsaRecords::usable).toList();
        return usable.isEmpty() ? Optional.empty() : Optional.of(new TlsaRecords(usable));
    }

    /**
     * Whether the chain the server presented is authenticated by a record.
     *
     * <p>DANE-EE(3) matches the server's own certificate, with no other check: no name, no expiry
     * (RFC 7672 section 3.1.1), since the DNSSEC-signed record binds the key to the host. DANE-TA(2)
     * matches a CA certificate the server presented above its own (section 3.1.2: servers must send
     * it, unless the record publishes the CA's whole public key), and then the chain up to it must
     * be a valid PKIX path from it, and name {@code mxHost} (section 3.2.2: the MX host name, as DNS
     * gave it, is the reference identifier).
     *
     * @param chain the server's chain, its own certificate first
     * @param mxHost the TLSA base domain: the MX host (or the domain itself, without MX records)
     */
    public boolean authenticate(List<X509Certificate> chain, String mxHost) {
        if (chain.isEmpty()) {
            return false;
        }
        for (TLSARecord record : records) {
            if (record.getCertificateUsage() == DANE_EE && matches(record, chain.get(0))) {
                return true;
            }
            if (record.getCertificateUsage() == DANE_TA && trustAnchorMatches(record, chain, mxHost)) {
                return true;
            }
        }
        return false;
    }

    private static boolean trustAnchorMatches(TLSARecord record, List<X509Certificate> chain, String mxHost) {
        for (int anchor = 1; anchor < chain.size(); anchor++) {
            if (matches(record, chain.get(anchor))) {
                return current(chain.get(anchor))
                        && issuedUnder(chain.subList(0, anchor), new TrustAnchor(chain.get(anchor), null))
                        && CertificateNames.matches(chain.get(0), mxHost);
            }
        }
        return publishedKey(record).filter(key -> issuedUnder(chain, keyAnchor(chain, key))).isPresent()
                && CertificateNames.matches(chain.get(0), mxHost);
    }

    /** An anchor of a published key alone, named as the issuer of the top certificate presented. */
    private static TrustAnchor keyAnchor(List<X509Certificate> chain, PublicKey key) {
        return new TrustAnchor(chain.get(chain.size() - 1).getIssuerX500Principal(), key, null);
    }

    /**
     * The trust anchor's key, when a DANE-TA(2) record publishes it whole (SPKI(1), Full(0)): RFC
     * 7672 section 3.1.2 then lets the server leave the anchor's certificate out of its chain, the
     * key being all that is needed to verify the certificate it issued.
     */
    private static Optional<PublicKey> publishedKey(TLSARecord record) {
        if (record.getSelector() != SELECTOR_SPKI || record.getMatchingType() != MATCH_FULL) {
            return Optional.empty();
        }
        X509EncodedKeySpec spki = new X509EncodedKeySpec(record.getCertificateAssociationData());
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return Optional.of(KeyFactory.getInstance(algorithm).generatePublic(spki));
            } catch (GeneralSecurityException e) {
                // another algorithm's key, or none: the SPKI names its algorithm only as an OID
            }
        }
        return Optional.empty();
    }

    private static boolean current(X509Certificate certificate) {
        try {
            certificate.checkValidity();
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * Whether {@code path}, the server's certificate first, is a valid PKIX path (RFC 5280 section
     * 6) from {@code anchor}: each certificate signed by the next, current, and every one above the
     * server's own a CA (basicConstraints, path length, keyCertSign) whose subject is the issuer
     * below it. Signatures alone are not enough: anyone with a leaf certificate under a published
     * intermediate could sign one for any MX host with the leaf's key. No revocation check: under
     * DANE, trust is withdrawn by withdrawing the TLSA record.
     */
    private static boolean issuedUnder(List<X509Certificate> path, TrustAnchor anchor) {
        try {
            PKIXParameters parameters = new PKIXParameters(Set.of(anchor));
            parameters.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX")
                    .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** RFC 6698 section 2.1.2 and 2.1.3: the selected part of the certificate, matched in full or by digest. */
    private static boolean matches(TLSARecord record, X509Certificate certificate) {
        try {
            byte[] selected = record.getSelector() == SELECTOR_CERT
                    ? certificate.getEncoded()
                    : certificate.getPublicKey().getEncoded();
            byte[] association = switch (record.getMatchingType()) {
                case MATCH_SHA256 -> MessageDigest.getInstance("SHA-256").digest(selected);
                case MATCH_SHA512 -> MessageDigest.getInstance("SHA-512").digest(selected);
                default -> selected;
            };
            return MessageDigest.isEqual(association, record.getCertificateAssociationData());
        } catch (CertificateEncodingException e) {
            return false;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256 and SHA-512", e);
        }
    }

    private static boolean usable(TLSARecord record) {
        int usage = record.getCertificateUsage();
        int selector = record.getSelector();
        int length = record.getCertificateAssociationData().length;
        boolean wellFormed = switch (record.getMatchingType()) {
            case MATCH_FULL -> length > 0;
            case MATCH_SHA256 -> length == 32;
            case MATCH_SHA512 -> length == 64;
            default -> false;
        };
        return (usage == DANE_TA || usage == DANE_EE) && (selector == SELECTOR_CERT || selector == SELECTOR_SPKI)
                && wellFormed;
    }
}
