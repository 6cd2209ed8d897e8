package dev.postillion.auth.dmarc;

import java.util.Locale;
import java.util.Objects;

/**
 * The outcome of DMARC evaluation for one message (RFC 7489 section 6.6), in the terms of an
 * Authentication-Results header field (RFC 7489 section 11.2, RFC 8601 section 2.7).
 *
 * @param result the RFC 8601 {@code dmarc} result
 * @param domain the RFC5322.From domain evaluated, lower-cased: the {@code header.from} property;
 *     as given when it is not a domain name
 * @param policy the policy the Domain Owner published for this domain ({@code p}, or {@code sp}
 *     for a subdomain); {@link DmarcPolicy#NONE} when there is no usable policy. A temperror has it
 *     when the policy was found but an aligned SPF or DKIM check could not finish for now: the
 *     receiver may then defer the message rather than apply the policy
 * @param disposition what to do with the message: the policy for a failing message chosen by
 *     {@code pct} sampling, the next less strict one when not chosen (section 6.6.4); always
 *     {@link DmarcPolicy#NONE} unless the result is {@link Result#FAIL}
 * @param reason why, in words for logs and the header's comment
 */
public record DmarcVerdict(Result result, String domain, DmarcPolicy policy, DmarcPolicy disposition, String reason) {

    /** The DMARC results of RFC 7489 section 11.2. */
    public enum Result {
        /** An aligned identifier passed SPF or DKIM. */
        PASS,
        /** A policy was found and no aligned identifier passed. */
        FAIL,
        /** No policy was published for the domain, or no domain could be extracted. */
        NONE,
        /** The policy could not be retrieved for now (DNS); a later attempt may succeed. */
        TEMPERROR,
        /** The published policy cannot be used: malformed, or several records (section 6.6.3). */
        PERMERROR;

        /** The result as written in an Authentication-Results header field, e.g. "temperror". */
        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public DmarcVerdict {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(disposition, "disposition");
        Objects.requireNonNull(reason, "reason");
        if (result != Result.FAIL && disposition != DmarcPolicy.NONE) {
            throw new IllegalArgumentException("only a failing message has a disposition: " + result);
        }
    }

    /** A verdict without policy: none, temperror or permerror. */
    static DmarcVerdict withoutPolicy(Result result, String domain, String reason) {
        return new DmarcVerdict(result, domain, DmarcPolicy.NONE, DmarcPolicy.NONE, reason);
    }
}
