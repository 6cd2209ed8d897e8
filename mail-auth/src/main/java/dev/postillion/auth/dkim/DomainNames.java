package dev.postillion.auth.dkim;

import static dev.postillion.auth.dkim.DkimResult.Reason.MALFORMED_SIGNATURE;

import dev.postillion.core.DomainName;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/** The syntax of the names in a DKIM-Signature (RFC 6376 sections 2.11 and 3.5, RFC 8616). */
public final class DomainNames {

    /** RFC 5321 {@code Domain}: {@code sub-domain *("." sub-domain)}, letters, digits and inner hyphens. */
    private static final Pattern DOMAIN = Pattern.compile(
            "[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*");
    /** A selector is a domain name too, though labels with an underscore are met in the wild. */
    private static final Pattern SELECTOR = Pattern.compile(
            "[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*");
    private static final int HEX = 16;

    private DomainNames() {}

    /**
     * A domain of {@code d=} or {@code i=}, lower-cased; one in UTF-8 (RFC 8616 section 4) is
     * converted to A-labels, as DNS needs them.
     */
    static String domain(String value, String tag) throws DkimException {
        String ascii = toAscii(value, tag).toLowerCase(Locale.ROOT);
        if (!DOMAIN.matcher(ascii).matches()) {
            throw new DkimException(MALFORMED_SIGNATURE, "bad domain " + tag + value);
        }
        return ascii;
    }

    /** {@code s=}, lower-cased, in A-labels. */
    public static String selector(String value) throws DkimException {
        String ascii = toAscii(value, "s=").toLowerCase(Locale.ROOT);
        if (!SELECTOR.matcher(ascii).matches()) {
            throw new DkimException(MALFORMED_SIGNATURE, "bad selector s=" + value);
        }
        return ascii;
    }

    /**
     * Decodes dkim-quoted-printable (RFC 6376 section 2.11): {@code =XX} is the octet of the
     * hexadecimal XX. Returns one char per octet.
     */
    static String decodeQuotedPrintable(String value) throws DkimException {
        StringBuilder decoded = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '=') {
                decoded.append(c);
                continue;
            }
            if (i + 2 >= value.length()) {
                throw new DkimException(MALFORMED_SIGNATURE, "bad quoted-printable " + value);
            }
            decoded.append((char) hexOctet(value, i + 1));
            i += 2;
        }
        return decoded.toString();
    }

    private static int hexOctet(String value, int at) throws DkimException {
        int high = Character.digit(value.charAt(at), HEX);
        int low = Character.digit(value.charAt(at + 1), HEX);
        if (high < 0 || low < 0) {
            throw new DkimException(MALFORMED_SIGNATURE, "bad quoted-printable " + value);
        }
        return high * HEX + low;
    }

    private static String toAscii(String value, String tag) throws DkimException {
        if (value.chars().allMatch(c -> c < 0x80)) {
            return value;
        }
        String unicode = new String(value.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        return DomainName.queryName(unicode)
                .orElseThrow(() -> new DkimException(MALFORMED_SIGNATURE, "bad domain " + tag + unicode));
    }
}
