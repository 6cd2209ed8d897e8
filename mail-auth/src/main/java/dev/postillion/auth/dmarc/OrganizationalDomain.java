package dev.postillion.auth.dmarc;

import com.google.common.net.InternetDomainName;

/**
 * The Organizational Domain of a domain name (RFC 7489 section 3.2): the public suffix that
 * matches most labels of the name, with one more label of the name in front. The Public Suffix
 * List is the one Guava ships and keeps up to date with each release ({@link InternetDomainName}),
 * both its ICANN and its private sections, as the list's own algorithm reads it.
 */
final class OrganizationalDomain {

    private OrganizationalDomain() {}

    /**
     * @param domain a domain name as {@link DomainName#normalize} gives it
     * @return the organizational domain, lower-cased; the domain itself when it is a public suffix
     *     or has no label in front of one
     */
    static String of(String domain) {
        InternetDomainName name;
        try {
            name = InternetDomainName.from(domain);
        } catch (IllegalArgumentException e) {
            return domain;
        }
        if (name.isUnderPublicSuffix()) {
            return name.topPrivateDomain().toString();
        }
        if (name.hasPublicSuffix()) {
            return domain; // a public suffix itself: section 3.2 step 4 finds no further label
        }
        return lastTwoLabels(domain);
    }

    /**
     * The list's default rule, {@code *}: a top-level domain it does not know is a public suffix
     * of its own, so the organizational domain has two labels (RFC 7489 section 3.2, step 3).
     */
    private static String lastTwoLabels(String domain) {
        int last = domain.lastIndexOf('.');
        if (last < 0) {
            return domain;
        }
        int previous = domain.lastIndexOf('.', last - 1);
        return domain.substring(previous + 1);
    }
}
