package dev.postillion.core;

import com.ibm.icu.text.IDNA;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A DNS domain name as mail meets it, held in its one canonical form: A-labels (RFC 5890), lower
 * case, without a final dot. Names in UTF-8 (SMTPUTF8 addresses, RFC 6531; an operator typing
 * {@code bücher.example}) are converted by UTS 46 non-transitional processing, the IDNA2008 mapping
 * that browsers and mail clients use, so {@code BÜCHER.example}, {@code bücher.example} and
 * {@code xn--bcher-kva.example} are one domain wherever they meet DNS, a table or a comparison.
 * {@code java.net.IDN} is IDNA2003 and maps {@code ß} to {@code ss}; UTS 46 keeps it.
 */
public final class DomainName implements Comparable<DomainName> {

    /** RFC 1035 section 2.3.4: 255 octets on the wire are 253 characters in dotted text. */
    public static final int MAX_LENGTH = 253;
    private static final int MAX_LABEL = 63;

    private static final IDNA UTS46 = IDNA.getUTS46Instance(IDNA.NONTRANSITIONAL_TO_ASCII
            | IDNA.NONTRANSITIONAL_TO_UNICODE | IDNA.CHECK_BIDI | IDNA.CHECK_CONTEXTJ | IDNA.USE_STD3_RULES);

    private final String ascii;

    private DomainName(String ascii) {
        this.ascii = ascii;
    }

    /**
     * Reads a host name in LDH labels or in Unicode, with or without a final dot.
     *
     * @throws DomainSyntaxException naming the rule the name breaks
     */
    public static DomainName of(String text) {
        String name = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        if (name.isEmpty()) {
            throw new DomainSyntaxException("empty domain name");
        }
        if (name.startsWith("[")) {
            throw new DomainSyntaxException("an address literal is not a domain name");
        }
        String ascii = isAscii(name) ? ldh(name) : toAscii(name);
        if (ascii.length() > MAX_LENGTH) {
            throw new DomainSyntaxException("domain name longer than " + MAX_LENGTH + " characters");
        }
        return new DomainName(ascii);
    }

    /** The name, or empty when it is no domain name (an address literal, a stray character). */
    public static Optional<DomainName> parse(String text) {
        try {
            return Optional.of(of(text));
        } catch (DomainSyntaxException e) {
            return Optional.empty();
        }
    }

    /**
     * The form to look {@code text} up by: its A-labels when it is a domain name, else the text
     * lower-cased (an address literal such as {@code [192.0.2.1]} is its own key).
     */
    public static String key(String text) {
        if (text.startsWith("[")) {
            return text.toLowerCase(Locale.ROOT);
        }
        return parse(text).map(DomainName::ascii).orElseGet(() -> text.toLowerCase(Locale.ROOT));
    }

    /**
     * A name to ask DNS for, with any label in Unicode converted to its A-label and the others
     * kept as they are: query names hold labels that are no host names ({@code _dmarc},
     * {@code _domainkey}, selectors with underscores, RFC 8552). Empty when a label cannot be
     * converted.
     */
    public static Optional<String> queryName(String name) {
        if (isAscii(name)) {
            return Optional.of(name);
        }
        StringBuilder query = new StringBuilder(name.length() + 16);
        for (String label : name.split("\\.", -1)) {
            if (query.length() > 0) {
                query.append('.');
            }
            if (isAscii(label)) {
                query.append(label);
                continue;
            }
            IDNA.Info info = new IDNA.Info();
            StringBuilder ascii = new StringBuilder();
            UTS46.labelToASCII(label, ascii, info);
            if (info.hasErrors()) {
                return Optional.empty();
            }
            query.append(ascii);
        }
        return Optional.of(query.toString());
    }

    /** A-labels, lower case, no final dot: what DNS is asked and what tables are keyed by. */
    public String ascii() {
        return ascii;
    }

    /** The name in U-labels, for people (RFC 5890 section 2.3.2.1); the A-labels when there are none. */
    public String unicode() {
        if (!ascii.contains("xn--")) {
            return ascii;
        }
        StringBuilder unicode = new StringBuilder();
        IDNA.Info info = new IDNA.Info();
        UTS46.nameToUnicode(ascii, unicode, info);
        return info.hasErrors() ? ascii : unicode.toString();
    }

    /** Whether this is {@code other} or a name below it. */
    public boolean isWithin(DomainName other) {
        return ascii.equals(other.ascii) || ascii.endsWith("." + other.ascii);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DomainName name && ascii.equals(name.ascii);
    }

    @Override
    public int hashCode() {
        return ascii.hashCode();
    }

    @Override
    public int compareTo(DomainName other) {
        return ascii.compareTo(other.ascii);
    }

    @Override
    public String toString() {
        return ascii;
    }

    /**
     * An ASCII name keeps to RFC 5321's {@code Domain}: letters, digits and inner hyphens, labels of
     * 1 to 63. An ASCII label that claims to be an A-label ({@code xn--}) must decode validly.
     */
    private static String ldh(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String label : lower.split("\\.", -1)) {
            checkLabel(label);
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                    throw new DomainSyntaxException("character " + EmailAddress.describe(c) + " not allowed in domain");
                }
            }
        }
        return lower.contains("xn--") ? toAscii(lower) : lower;
    }

    private static void checkLabel(String label) {
        if (label.isEmpty()) {
            throw new DomainSyntaxException("empty label in domain");
        }
        if (label.length() > MAX_LABEL) {
            throw new DomainSyntaxException("domain label longer than " + MAX_LABEL + " characters");
        }
        if (label.startsWith("-") || label.endsWith("-")) {
            throw new DomainSyntaxException("domain label starts or ends with a hyphen");
        }
    }

    private static String toAscii(String name) {
        StringBuilder ascii = new StringBuilder();
        IDNA.Info info = new IDNA.Info();
        UTS46.nameToASCII(name, ascii, info);
        if (info.hasErrors()) {
            throw new DomainSyntaxException(describe(info.getErrors()));
        }
        return ascii.toString();
    }

    /** The first of UTS 46's findings, in words (UTS 46 section 4, "Processing"). */
    private static String describe(Set<IDNA.Error> errors) {
        if (errors.contains(IDNA.Error.EMPTY_LABEL)) {
            return "empty label in domain";
        }
        if (errors.contains(IDNA.Error.LABEL_TOO_LONG)) {
            return "domain label longer than " + MAX_LABEL + " characters";
        }
        if (errors.contains(IDNA.Error.DOMAIN_NAME_TOO_LONG)) {
            return "domain name longer than " + MAX_LENGTH + " characters";
        }
        if (errors.contains(IDNA.Error.LEADING_HYPHEN) || errors.contains(IDNA.Error.TRAILING_HYPHEN)) {
            return "domain label starts or ends with a hyphen";
        }
        if (errors.contains(IDNA.Error.DISALLOWED)) {
            return "character not allowed in an internationalized domain name (UTS 46)";
        }
        if (errors.contains(IDNA.Error.PUNYCODE) || errors.contains(IDNA.Error.INVALID_ACE_LABEL)) {
            return "label starting xn-- is not a valid A-label";
        }
        return "not a valid internationalized domain name (" + errors.iterator().next().name()
                .toLowerCase(Locale.ROOT).replace('_', ' ') + ")";
    }

    private static boolean isAscii(String text) {
        return text.chars().allMatch(c -> c < 0x80);
    }
}
