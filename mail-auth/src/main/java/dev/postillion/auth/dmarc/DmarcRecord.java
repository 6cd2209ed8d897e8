package dev.postillion.auth.dmarc;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A DMARC policy record (RFC 7489 section 6.3), the TXT record at {@code _dmarc.<domain>}.
 *
 * <p>Parsing follows the RFC's leniency: unknown tags are ignored (section 6.3), and a {@code pct},
 * {@code adkim} or {@code aspf} that breaks the syntax gives way to its default ("syntax errors in
 * the remainder of the record SHOULD be discarded in favor of default values"). A record without a
 * valid {@code p}, or with an invalid {@code sp}, is read as {@code v=DMARC1; p=none} when it names
 * at least one valid aggregate report URI, and is unusable otherwise (section 6.6.3, step 6).
 *
 * @param policy {@code p}: what the Domain Owner asks for mail from the domain that fails DMARC
 * @param subdomainPolicy {@code sp}: the same for its subdomains; empty when not given (then
 *     {@code p} applies to them)
 * @param percent {@code pct}: the percentage of failing mail the policy is applied to, 0 to 100
 * @param dkimAlignment {@code adkim}, relaxed by default
 * @param spfAlignment {@code aspf}, relaxed by default
 * @param aggregateReports {@code rua}: where aggregate reports go, the URIs as written
 */
public record DmarcRecord(
        DmarcPolicy policy,
        Optional<DmarcPolicy> subdomainPolicy,
        int percent,
        Alignment dkimAlignment,
        Alignment spfAlignment,
        List<String> aggregateReports) {

    /** Section 6.6.3 step 3: a DMARC record starts with {@code v=DMARC1}; "DMARC1" is case-sensitive. */
    private static final Pattern VERSION = Pattern.compile("[ \\t]*[vV][ \\t]*=[ \\t]*DMARC1[ \\t]*(?:;.*)?",
            Pattern.DOTALL);
    private static final Pattern PERCENT = Pattern.compile("[0-9]{1,3}");
    /** Section 6.4: a report URI may end in {@code !size} with an optional unit. */
    private static final Pattern URI_SIZE = Pattern.compile("![0-9]+[kmgtKMGT]?$");
    private static final int ALL = 100;

    public DmarcRecord {
        if (percent < 0 || percent > ALL) {
            throw new IllegalArgumentException("pct must be 0 to 100: " + percent);
        }
        aggregateReports = List.copyOf(aggregateReports);
    }

    /**
     * Whether a TXT record is a DMARC record at all: it starts with the {@code v=DMARC1} tag
     * (section 6.6.3 step 3). Other TXT records at the name are discarded before counting.
     */
    public static boolean isDmarc(String text) {
        return VERSION.matcher(text).matches();
    }

    /**
     * @param text a TXT record's strings joined
     * @throws DmarcSyntaxException when the record is not a DMARC record, repeats a tag, or has no
     *     usable policy and no valid aggregate report URI
     */
    public static DmarcRecord parse(String text) throws DmarcSyntaxException {
        if (!isDmarc(text)) {
            throw new DmarcSyntaxException("not a DMARC1 record: v=DMARC1 must come first");
        }
        Map<String, String> tags = tags(text);
        List<String> rua = reportUris(tags.getOrDefault("rua", ""));
        Optional<DmarcPolicy> policy = Optional.ofNullable(tags.get("p")).flatMap(DmarcPolicy::ofKeyword);
        Optional<DmarcPolicy> sp = Optional.ofNullable(tags.get("sp")).flatMap(DmarcPolicy::ofKeyword);
        boolean badSp = tags.containsKey("sp") && sp.isEmpty();
        if (policy.isEmpty() || badSp) {
            return fallback(tags, rua);
        }
        return new DmarcRecord(policy.get(), sp, percent(tags.get("pct")), alignment(tags.get("adkim")),
                alignment(tags.get("aspf")), rua);
    }

    /**
     * The policy for {@code domain}, the RFC5322.From domain, when this record was found at
     * {@code _dmarc.<recordDomain>}: {@code sp} (or else {@code p}) for a subdomain of an
     * organizational domain's record, {@code p} otherwise (section 6.6.3 step 4 and 6.3).
     */
    public DmarcPolicy policyFor(String domain, String recordDomain) {
        return domain.equals(recordDomain) ? policy : subdomainPolicy.orElse(policy);
    }

    /** Section 6.6.3 step 6: without a valid p or with a bad sp, only a valid rua keeps the record. */
    private static DmarcRecord fallback(Map<String, String> tags, List<String> rua) throws DmarcSyntaxException {
        String why = !tags.containsKey("p") ? "no p tag"
                : DmarcPolicy.ofKeyword(tags.get("p")).isEmpty() ? "bad p=" + tags.get("p")
                : "bad sp=" + tags.get("sp");
        if (rua.isEmpty()) {
            throw new DmarcSyntaxException(why + " and no valid rua");
        }
        return new DmarcRecord(DmarcPolicy.NONE, Optional.empty(), ALL, Alignment.RELAXED, Alignment.RELAXED, rua);
    }

    /**
     * The tag-list (section 6.4, the tag-value syntax of RFC 6376 section 3.2): names in lower case,
     * values without surrounding white space. A spec without "=" is ignored as a syntax error of the
     * remainder (section 6.3); a repeated tag makes the list invalid (RFC 6376 section 3.2).
     */
    private static Map<String, String> tags(String text) throws DmarcSyntaxException {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String spec : text.split(";")) {
            int equals = spec.indexOf('=');
            if (equals < 0) {
                continue;
            }
            String name = spec.substring(0, equals).strip().toLowerCase(Locale.ROOT);
            if (tags.put(name, spec.substring(equals + 1).strip()) != null) {
                throw new DmarcSyntaxException("tag " + name + " appears twice");
            }
        }
        return tags;
    }

    /** {@code pct}: 0 to 100, default 100. */
    private static int percent(String value) {
        if (value == null || !PERCENT.matcher(value).matches()) {
            return ALL;
        }
        int percent = Integer.parseInt(value);
        return percent <= ALL ? percent : ALL;
    }

    private static Alignment alignment(String value) {
        return value == null ? Alignment.RELAXED : Alignment.ofKeyword(value).orElse(Alignment.RELAXED);
    }

    /** The syntactically valid URIs of a comma-separated {@code rua} (section 6.4, dmarc-uri). */
    private static List<String> reportUris(String value) {
        List<String> uris = new ArrayList<>();
        for (String item : value.split(",")) {
            String uri = URI_SIZE.matcher(item.strip()).replaceFirst("");
            if (isUri(uri)) {
                uris.add(uri);
            }
        }
        return uris;
    }

    private static boolean isUri(String text) {
        if (text.isEmpty()) {
            return false;
        }
        try {
            return new URI(text).getScheme() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
