package dev.postillion.queue.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Whether a server certificate names a host, as RFC 7672 section 3.2.3 checks it for DANE-TA(2):
 * its DNS subject alternative names, or its subject's common name when it has none; a wildcard
 * only as the whole leftmost label, standing for exactly one label (RFC 6125 section 6.4.3).
 */
final class CertificateNames {

    /** GeneralName's tag for a dNSName (RFC 5280 section 4.2.1.6). */
    private static final int DNS_NAME = 2;

    private CertificateNames() {}

    static boolean matches(X509Certificate certificate, String host) {
        String reference = normalized(host);
        return names(certificate).stream().anyMatch(name -> matches(normalized(name), reference));
    }

    private static List<String> names(X509Certificate certificate) {
        List<String> alternatives = alternativeNames(certificate);
        return alternatives.isEmpty() ? commonName(certificate).stream().toList() : alternatives;
    }

    private static List<String> alternativeNames(X509Certificate certificate) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            return names == null ? List.of() : names.stream()
                    .filter(name -> (Integer) name.get(0) == DNS_NAME)
                    .map(name -> (String) name.get(1))
                    .toList();
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }

    private static Optional<String> commonName(X509Certificate certificate) {
        try {
            return new LdapName(certificate.getSubjectX500Principal().getName()).getRdns().stream()
                    .filter(rdn -> rdn.getType().equalsIgnoreCase("CN"))
                    .map(Rdn::getValue)
                    .map(String::valueOf)
                    .reduce((first, last) -> last); // the most specific one
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
    }

    private static boolean matches(String name, String reference) {
        if (!name.startsWith("*.")) {
            return name.equals(reference);
        }
        int dot = reference.indexOf('.');
        return dot > 0 && reference.substring(dot).equals(name.substring(1));
    }

    private static String normalized(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
