package dev.postillion.queue.tls;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
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
     * it), and then the chain up to it must verify, be current, and name {@code mxHost}
     * (section 3.2.2: the MX host name, as DNS gave it, is the reference identifier).
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
                return issuedUnder(chain, anchor) && CertificateNames.matches(chain.get(0), mxHost);
            }
        }
        return false;
    }

    /** Each certificate below the anchor is signed by the next one up, and all are current. */
    private static boolean issuedUnder(List<X509Certificate> chain, int anchor) {
        try {
            for (int i = 0; i < anchor; i++) {
                chain.get(i).checkValidity();
                chain.get(i).verify(chain.get(i + 1).getPublicKey());
            }
            chain.get(anchor).checkValidity();
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
