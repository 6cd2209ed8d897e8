package dev.postillion.auth.dmarc;

import dev.postillion.core.DomainName;
import java.util.Locale;
import java.util.Optional;

/**
 * The identifier alignment modes (RFC 7489 section 3.1), tags {@code adkim} and {@code aspf}.
 */
public enum Alignment {
    /** The domains share an organizational domain (section 3.1.1 and 3.1.2). */
    RELAXED,
    /** The domains are identical. */
    STRICT;

    /**
     * Whether an authenticated domain aligns with the RFC5322.From domain in this mode.
     *
     * @param authenticated a domain that passed SPF or whose DKIM signature verified
     * @param from the domain of the RFC5322.From address
     */
    public boolean aligns(String authenticated, String from) {
        Optional<DomainName> a = DomainName.parse(authenticated.strip());
        Optional<DomainName> f = DomainName.parse(from.strip());
        if (a.isEmpty() || f.isEmpty()) {
            return false;
        }
        return this == STRICT
                ? a.equals(f)
                : OrganizationalDomain.of(a.get().ascii()).equals(OrganizationalDomain.of(f.get().ascii()));
    }

    /** The mode of an {@code adkim} or {@code aspf} value, {@code r} or {@code s}; empty for others. */
    static Optional<Alignment> ofKeyword(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "r" -> Optional.of(RELAXED);
            case "s" -> Optional.of(STRICT);
            default -> Optional.empty();
        };
    }
}
