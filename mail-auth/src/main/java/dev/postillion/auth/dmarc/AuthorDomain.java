package dev.postillion.auth.dmarc;

import dev.postillion.core.DomainName;
import dev.postillion.core.MailboxList;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The RFC5322.From domain of a message, the Author Domain DMARC evaluates (RFC 7489 section 3.1 and
 * 6.6.1). A message with no From address, several From fields or several addresses in one has no
 * single Author Domain and no DMARC verdict; section 6.6.1 lets the receiver reject it, which is the
 * caller's choice. Parsing is that of RFC 5322 section 3.4: display names, comments, quoted strings
 * and groups are understood; obsolete routes are not.
 */
public sealed interface AuthorDomain {

    /** The one From address, with its domain in A-labels and lower case. */
    record Single(String domain) implements AuthorDomain {}

    /** No From field, or one without an address. */
    record Missing() implements AuthorDomain {}

    /** Several From fields or addresses; their domains as written, in order. */
    record Several(List<String> domains) implements AuthorDomain {
        public Several {
            domains = List.copyOf(domains);
        }
    }

    /** The one From address has no domain DMARC can use: none, a domain literal, a bad name. */
    record Unusable(String reason) implements AuthorDomain {}

    /**
     * @param headerSection the message's header section (or the whole message), lines ending in
     *     CRLF or LF, each octet one char
     */
    static AuthorDomain ofHeaderSection(String headerSection) {
        return ofFields(fromFields(headerSection));
    }

    /** @param fromValues the values of every From field of a message, folded or not */
    static AuthorDomain ofFields(List<String> fromValues) {
        List<String> addresses = new ArrayList<>();
        for (String value : fromValues) {
            addresses.addAll(MailboxList.addresses(value));
        }
        if (addresses.isEmpty()) {
            return new Missing();
        }
        List<String> domains = addresses.stream().map(AuthorDomain::domainOf).toList();
        if (fromValues.size() > 1 || domains.size() > 1) {
            return new Several(domains);
        }
        return single(domains.get(0));
    }

    private static AuthorDomain single(String written) {
        if (written.isEmpty()) {
            return new Unusable("From address without a domain");
        }
        if (written.startsWith("[")) {
            return new Unusable("From address with a domain literal: " + written);
        }
        return DomainName.parse(written).<AuthorDomain>map(domain -> new Single(domain.ascii()))
                .orElseGet(() -> new Unusable("From domain is not a domain name: " + written));
    }

    /** The domain of an addr-spec: after its last "@" (a quoted local part may hold more). */
    private static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).strip();
    }

    /** The unfolded values of the From fields of a header section (RFC 5322 sections 2.2 and 3.6.2). */
    private static List<String> fromFields(String headerSection) {
        List<String> values = new ArrayList<>();
        StringBuilder field = null;
        for (String line : headerSection.split("\r?\n", -1)) {
            if (line.isEmpty()) {
                break; // the end of the header section
            }
            boolean continuation = line.charAt(0) == ' ' || line.charAt(0) == '\t';
            if (continuation && field != null) {
                field.append(line);
                continue;
            }
            addIfFrom(values, field);
            field = continuation ? null : new StringBuilder(line);
        }
        addIfFrom(values, field);
        return values;
    }

    private static void addIfFrom(List<String> values, StringBuilder field) {
        if (field == null) {
            return;
        }
        int colon = field.indexOf(":");
        if (colon > 0 && field.substring(0, colon).strip().toLowerCase(Locale.ROOT).equals("from")) {
            values.add(field.substring(colon + 1));
        }
    }
}
