package dev.postillion.auth.dmarc;

import java.util.Locale;
import java.util.Optional;

/**
 * The policies a Domain Owner can request for mail that fails DMARC (RFC 7489 section 6.3, tag
 * {@code p}), and equally what a receiver does with a message: its disposition (section 6.6.4).
 */
public enum DmarcPolicy {
    /** No specific action: deliver as usual, for monitoring. */
    NONE,
    /** Treat the mail as suspicious: for Postillion, the Spam folder. */
    QUARANTINE,
    /** Refuse the mail during the SMTP transaction. */
    REJECT;

    /** The policy as a record and an Authentication-Results comment write it, e.g. "quarantine". */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The next less strict policy, applied to failing mail that {@code pct} sampling leaves out
     * (RFC 7489 section 6.6.4): quarantine for reject, none for quarantine.
     */
    DmarcPolicy lessStrict() {
        return this == REJECT ? QUARANTINE : NONE;
    }

    /**
     * The policy of a {@code p} or {@code sp} value, in any case (ABNF strings are case-insensitive,
     * RFC 7489 section 6.4); empty for anything else.
     */
    static Optional<DmarcPolicy> ofKeyword(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "none" -> Optional.of(NONE);
            case "quarantine" -> Optional.of(QUARANTINE);
            case "reject" -> Optional.of(REJECT);
            default -> Optional.empty();
        };
    }
}
