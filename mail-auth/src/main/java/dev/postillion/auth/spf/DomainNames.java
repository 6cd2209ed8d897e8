package dev.postillion.auth.spf;

import java.util.Optional;
import java.util.regex.Pattern;

/** The rules on domain names that SPF applies (RFC 7208 sections 4.3, 7.1 and 7.3, RFC 1035 section 2.3.4). */
final class DomainNames {

    /** {@code toplabel} of RFC 7208 section 7.1: alphanumeric, not all digits, dashes only inside. */
    private static final Pattern TOP_LABEL = Pattern.compile(
            "[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*|[A-Za-z0-9]+-[A-Za-z0-9-]*[A-Za-z0-9]");
    private static final int MAX_LABEL = 63;
    /** The longest name in dotted text without the final dot (RFC 7208 section 7.3). */
    private static final int MAX_NAME = 253;

    private DomainNames() {}

    static boolean isTopLabel(String label) {
        return TOP_LABEL.matcher(label).matches();
    }

    /**
     * Why {@code domain} cannot be checked (RFC 7208 section 4.3): a domain literal, an empty or
     * over-long label, a name too long, a single label, or a numeric top label (an IP address is no
     * domain). Empty when it can be.
     */
    static Optional<String> malformation(String domain) {
        String name = withoutFinalDot(domain);
        if (name.startsWith("[")) {
            return Optional.of("a domain literal is not a domain name");
        }
        if (name.length() > MAX_NAME) {
            return Optional.of("the name is longer than " + MAX_NAME + " characters");
        }
        String[] labels = name.split("\\.", -1);
        for (String label : labels) {
            if (label.isEmpty() || label.length() > MAX_LABEL) {
                return Optional.of("a label is empty or longer than " + MAX_LABEL + " characters");
            }
        }
        if (labels.length < 2) {
            return Optional.of("not a fully qualified domain name");
        }
        if (labels[labels.length - 1].chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.of("a numeric top label makes no domain name");
        }
        return Optional.empty();
    }

    /**
     * The name to ask DNS for an expanded domain-spec: without a final dot, cut from the left a label
     * at a time to at most 253 characters (RFC 7208 section 7.3). Empty when no question can be
     * written for it (an empty or over-long label, RFC 1035 section 2.3.4): such a name cannot
     * exist, and the mechanism does not match.
     */
    static Optional<String> forQuery(String expanded) {
        String name = withoutFinalDot(expanded);
        while (name.length() > MAX_NAME && name.indexOf('.') >= 0) {
            name = name.substring(name.indexOf('.') + 1);
        }
        if (name.isEmpty() || name.length() > MAX_NAME) {
            return Optional.empty();
        }
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > MAX_LABEL) {
                return Optional.empty();
            }
        }
        return Optional.of(name);
    }

    static String withoutFinalDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
