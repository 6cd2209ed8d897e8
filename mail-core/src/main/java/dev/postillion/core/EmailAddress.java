package dev.postillion.core;

import java.util.Locale;

/**
 * A mailbox address as it travels in an SMTP envelope (RFC 5321 section 4.1.2, "Mailbox").
 *
 * <p>Addresses compare case-insensitively (SPEC section 1): {@link #key()} is the canonical
 * lower-cased form used for lookups and storage keys, while {@link #toString()} keeps the spelling
 * the sender used.
 */
public record EmailAddress(String localPart, String domain) {

    /**
     * RFC 5321 section 4.5.3.1.1: the longest local part a sender may count on. Addresses an
     * operator creates keep to it; addresses from the world may be longer (below).
     */
    public static final int MAX_LOCAL_PART = 64;
    public static final int MAX_DOMAIN = 255;
    /**
     * RFC 5321 section 4.5.3.1.3: a path is at most 256 octets with its angle brackets. Up to that,
     * longer local parts are accepted, as section 4.5.3.1 asks and as Postfix does: SRS, VERP and
     * BATV senders routinely pass 64 characters.
     */
    public static final int MAX_ADDRESS = 254;

    public EmailAddress {
        if (localPart.isEmpty() || domain.isEmpty()) {
            throw new IllegalArgumentException("empty local part or domain");
        }
    }

    /**
     * Parses {@code local@domain} as found inside an SMTP path.
     *
     * @param utf8 whether the session negotiated SMTPUTF8 (RFC 6531), which allows UTF-8 in both parts
     * @throws AddressSyntaxException naming what is wrong
     */
    public static EmailAddress parse(String text, boolean utf8) {
        int at = text.lastIndexOf('@');
        if (at <= 0 || at == text.length() - 1) {
            throw new AddressSyntaxException("address must have the form local-part@domain");
        }
        if (text.length() > MAX_ADDRESS) {
            throw new AddressSyntaxException("address longer than " + MAX_ADDRESS + " characters");
        }
        String local = text.substring(0, at);
        String domain = text.substring(at + 1);
        checkLocalPart(local, utf8);
        checkDomain(domain, utf8);
        return new EmailAddress(withoutNeedlessQuotes(local, utf8), domain);
    }

    /** Canonical form for lookups and keys: lower-cased, as addresses compare case-insensitively. */
    public String key() {
        return localPart.toLowerCase(Locale.ROOT) + "@" + domainKey();
    }

    /** The domain in A-labels ({@link DomainName#key}): {@code bücher.example} is {@code xn--bcher-kva.example}. */
    public String domainKey() {
        return DomainName.key(domain);
    }

    public boolean isAscii() {
        return isAscii(localPart) && isAscii(domain);
    }

    @Override
    public String toString() {
        return localPart + "@" + domain;
    }

    private static void checkLocalPart(String local, boolean utf8) {
        if (local.startsWith("\"")) {
            checkQuotedString(local, utf8);
            return;
        }
        // Dot-string = Atom *("." Atom)
        if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
            throw new AddressSyntaxException("misplaced dot in local part");
        }
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (c != '.' && !isAtext(c, utf8)) {
                throw new AddressSyntaxException("character " + describe(c) + " not allowed in local part");
            }
        }
    }

    /**
     * {@code "anna"} and {@code anna} are the same local part (RFC 5321 section 4.1.2 asks senders
     * to quote only when needed): keep the plain form when the quotes hold a valid dot-string.
     */
    private static String withoutNeedlessQuotes(String local, boolean utf8) {
        if (!local.startsWith("\"")) {
            return local;
        }
        String inner = local.substring(1, local.length() - 1).replaceAll("\\\\(.)", "$1");
        try {
            checkLocalPart(inner, utf8);
            return inner.isEmpty() ? local : inner;
        } catch (AddressSyntaxException e) {
            return local;
        }
    }

    private static void checkQuotedString(String local, boolean utf8) {
        if (local.length() < 2 || !local.endsWith("\"")) {
            throw new AddressSyntaxException("unterminated quoted local part");
        }
        for (int i = 1; i < local.length() - 1; i++) {
            char c = local.charAt(i);
            if (c == '\\') {
                i++;
                if (i >= local.length() - 1 || local.charAt(i) < 32 || local.charAt(i) > 126) {
                    throw new AddressSyntaxException("bad quoted pair in local part");
                }
            } else if (c == '"' || (c < 32 || c == 127) || (c > 127 && !utf8)) {
                throw new AddressSyntaxException("character " + describe(c) + " not allowed in quoted local part");
            }
        }
    }

    /**
     * A domain name (RFC 5321 section 4.1.2 "Domain"; in U-labels only under SMTPUTF8, RFC 6531
     * section 3.3) or an address literal.
     */
    public static void checkDomain(String domain, boolean utf8) {
        if (domain.length() > MAX_DOMAIN) {
            throw new AddressSyntaxException("domain longer than " + MAX_DOMAIN + " characters");
        }
        if (domain.startsWith("[")) {
            if (!domain.endsWith("]") || domain.length() < 3) {
                throw new AddressSyntaxException("malformed address literal");
            }
            return;
        }
        if (!utf8) {
            domain.chars().filter(c -> c > 127).findFirst().ifPresent(c -> {
                throw new AddressSyntaxException("character " + describe((char) c) + " not allowed in domain");
            });
        }
        if (domain.endsWith(".")) {
            throw new AddressSyntaxException("empty label in domain");
        }
        try {
            DomainName.of(domain);
        } catch (DomainSyntaxException e) {
            throw new AddressSyntaxException(e.getMessage());
        }
    }

    /** RFC 5322 section 3.2.3 atext, extended with UTF-8 by RFC 6532 section 3.2 when allowed. */
    private static boolean isAtext(char c, boolean utf8) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            return true;
        }
        if (c > 127) {
            return utf8 && !Character.isISOControl(c);
        }
        return "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 127) {
                return false;
            }
        }
        return true;
    }

    /** Names a character so an error message is readable even for controls and spaces. */
    public static String describe(char c) {
        if (c == ' ') {
            return "' ' (space)";
        }
        if (Character.isISOControl(c)) {
            return String.format("U+%04X (control character)", (int) c);
        }
        if (c > 127) {
            return String.format("'%c' (U+%04X, non-ASCII)", c, (int) c);
        }
        return "'" + c + "'";
    }
}
