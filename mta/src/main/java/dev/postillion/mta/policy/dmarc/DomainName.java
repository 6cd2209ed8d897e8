package dev.postillion.mta.policy.dmarc;

import java.net.IDN;
import java.util.Locale;
import java.util.regex.Pattern;

/** Domain names as DMARC compares them: A-labels, lower case, without a final dot. */
final class DomainName {

    /** RFC 5321 {@code Domain}: letters, digits and inner hyphens in each label; labels of 1 to 63. */
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
    private static final int MAX_LENGTH = 253;

    private DomainName() {}

    /**
     * The domain in A-labels (RFC 5890), lower-cased, without a final dot; the empty string when
     * it is not a domain name that DNS can hold, such as a domain literal or a name with spaces.
     */
    static String normalize(String domain) {
        String name = domain.strip();
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        String ascii;
        try {
            ascii = IDN.toASCII(name, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return "";
        }
        return ascii.length() <= MAX_LENGTH && DOMAIN.matcher(ascii).matches() ? ascii : "";
    }
}
