package dev.postillion.auth.spf;

import java.util.Objects;

/**
 * The outcome of one SPF check.
 *
 * @param result the result of {@code check_host()} (RFC 7208 section 2.6)
 * @param identity which identity was checked: MAIL FROM, or HELO for the null sender (section 2.3)
 * @param domain the domain checked (the MAIL FROM domain, or the HELO name); the domain an
 *     Authentication-Results header names with {@code smtp.mailfrom} or {@code smtp.helo}
 * @param reason why, in words for logs and an Authentication-Results comment (RFC 8601 section 2.2):
 *     the mechanism that matched, or what went wrong
 * @param explanation for {@code fail} only, the domain's own explanation (its {@code exp=}
 *     modifier, section 6.2) fit for an SMTP reply; empty when it published none or it could not be
 *     used
 */
public record SpfVerdict(SpfResult result, Identity identity, String domain, String reason, String explanation) {

    /** The identity checked (RFC 7208 section 2.3 and 2.4). */
    public enum Identity {
        MAILFROM,
        HELO;

        /** The RFC 8601 property of the identity: {@code smtp.mailfrom} or {@code smtp.helo}. */
        public String property() {
            return this == MAILFROM ? "smtp.mailfrom" : "smtp.helo";
        }
    }

    public SpfVerdict {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(explanation, "explanation");
    }
}
