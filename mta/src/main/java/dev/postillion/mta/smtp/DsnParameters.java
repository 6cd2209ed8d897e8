package dev.postillion.mta.smtp;

import dev.postillion.core.Xtext;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The parameters of the DSN extension (RFC 3461 section 4): RET and ENVID on MAIL, NOTIFY and
 * ORCPT on RCPT. Their values are checked here, and kept in the envelope for the queue: keywords
 * (RET's FULL, NOTIFY's SUCCESS...) upper-cased, ENVID and ORCPT as received, still xtext, which
 * is what a relay passes on and what the DSN writer decodes.
 */
final class DsnParameters {

    /** RFC 3461 section 4.4. */
    private static final int MAX_ENVID_LENGTH = 100;
    /** RFC 3461 section 4.2, the address type and ";" included. */
    private static final int MAX_ORCPT_LENGTH = 500;
    private static final Set<String> NOTIFY_ON = Set.of("SUCCESS", "FAILURE", "DELAY");
    /** RFC 822 section 3.3 "specials", which an atom may not hold, and "=", which no ESMTP value may. */
    private static final String NOT_IN_ATOM = "()<>@,;:\\\".[]=";

    private DsnParameters() {}

    static boolean isRcptParameter(String keyword) {
        return keyword.equals("NOTIFY") || keyword.equals("ORCPT");
    }

    /** What is wrong with the value of RET, ENVID, NOTIFY or ORCPT, if anything. */
    static Optional<String> problem(String keyword, String value) {
        return switch (keyword) {
            // RFC 3461 section 4.3: ret-value = "FULL" / "HDRS", in any case (RFC 5321 section 2.4)
            case "RET" -> value.equalsIgnoreCase("FULL") || value.equalsIgnoreCase("HDRS")
                    ? Optional.empty() : Optional.of("must be FULL or HDRS");
            case "ENVID" -> envidProblem(value);
            case "NOTIFY" -> notifyProblem(value);
            case "ORCPT" -> orcptProblem(value);
            default -> throw new IllegalArgumentException("not a DSN parameter: " + keyword);
        };
    }

    /** The parameters as the envelope keeps them: those of other extensions untouched. */
    static Map<String, String> canonical(Map<String, String> parameters) {
        Map<String, String> kept = new LinkedHashMap<>(parameters);
        kept.computeIfPresent("RET", (keyword, value) -> value.toUpperCase(Locale.ROOT));
        kept.computeIfPresent("NOTIFY", (keyword, value) -> value.toUpperCase(Locale.ROOT));
        return kept;
    }

    private static Optional<String> envidProblem(String value) {
        if (value.isEmpty()) {
            return Optional.of("the envelope identifier is empty");
        }
        if (value.length() > MAX_ENVID_LENGTH) {
            return Optional.of("longer than " + MAX_ENVID_LENGTH + " characters");
        }
        return decodedProblem(value, "the envelope identifier", "4.4");
    }

    /**
     * RFC 3461 section 4.1: {@code "NEVER" / 1#( "SUCCESS" / "FAILURE" / "DELAY" )}, in any case
     * (RFC 5321 section 2.4); NEVER stands alone, and a keyword listed twice is taken for a
     * client's mistake.
     */
    private static Optional<String> notifyProblem(String value) {
        if (value.equalsIgnoreCase("NEVER")) {
            return Optional.empty();
        }
        Set<String> listed = new HashSet<>();
        for (String element : value.split(",", -1)) {
            String keyword = element.toUpperCase(Locale.ROOT);
            if (keyword.equals("NEVER")) {
                return Optional.of("NEVER cannot be combined with other values");
            }
            if (!NOTIFY_ON.contains(keyword)) {
                return Optional.of("must be NEVER or a comma-separated list of SUCCESS, FAILURE and DELAY");
            }
            if (!listed.add(keyword)) {
                return Optional.of(keyword + " is listed twice");
            }
        }
        return Optional.empty();
    }

    /** RFC 3461 section 4.2: {@code addr-type ";" xtext}, where addr-type is an atom such as rfc822. */
    private static Optional<String> orcptProblem(String value) {
        if (value.length() > MAX_ORCPT_LENGTH) {
            return Optional.of("longer than " + MAX_ORCPT_LENGTH + " characters");
        }
        int semicolon = value.indexOf(';');
        if (semicolon < 0) {
            return Optional.of("must be an address type, ';' and the address, e.g. rfc822;anna@example.com");
        }
        String type = value.substring(0, semicolon);
        if (type.isEmpty() || !type.chars().allMatch(c -> c > ' ' && c < 127 && NOT_IN_ATOM.indexOf(c) < 0)) {
            return Optional.of("the address type before ';' is not an atom");
        }
        String address = value.substring(semicolon + 1);
        if (address.isEmpty()) {
            return Optional.of("the address after ';' is empty");
        }
        return decodedProblem(address, "the address", "4.2");
    }

    /**
     * A value must be xtext, and what it decodes to printable US-ASCII (graphic characters, space
     * and tab) "due to limitations in the Delivery Status Notification format" (RFC 3461), so a
     * DSN can carry it in a header field.
     */
    private static Optional<String> decodedProblem(String xtext, String what, String section) {
        String decoded;
        try {
            decoded = Xtext.decode(xtext);
        } catch (IllegalArgumentException notXtext) {
            return Optional.of(what + " is not xtext: " + notXtext.getMessage());
        }
        boolean printable = decoded.chars().allMatch(c -> c == '\t' || (c >= ' ' && c < 127));
        return printable ? Optional.empty()
                : Optional.of(what + " must decode to printable US-ASCII (RFC 3461 section " + section + ")");
    }
}
