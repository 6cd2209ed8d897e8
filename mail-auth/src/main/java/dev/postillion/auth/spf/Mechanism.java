package dev.postillion.auth.spf;

import java.util.Optional;

/**
 * The mechanisms of RFC 7208 section 5, as parsed; {@link CheckHost} evaluates them.
 */
sealed interface Mechanism {

    /**
     * Whether evaluating it queries DNS, and so counts against the limit of 10 such terms (RFC 7208
     * section 4.6.4): include, a, mx, ptr and exists.
     */
    default boolean queriesDns() {
        return true;
    }

    /** {@code all}: always matches (section 5.1). */
    record All() implements Mechanism {
        @Override
        public boolean queriesDns() {
            return false;
        }
    }

    /** {@code include:domain-spec}: matches if the domain's check_host() passes (section 5.2). */
    record Include(MacroString domain) implements Mechanism {}

    /**
     * {@code a[:domain-spec][dual-cidr-length]}: matches if the client lies within the CIDR length
     * of an address of the domain, the current one by default (section 5.3).
     */
    record A(Optional<MacroString> domain, int ip4Prefix, int ip6Prefix) implements Mechanism {}

    /**
     * {@code mx[:domain-spec][dual-cidr-length]}: as {@link A}, for the addresses of the domain's MX
     * hosts (section 5.4).
     */
    record Mx(Optional<MacroString> domain, int ip4Prefix, int ip6Prefix) implements Mechanism {}

    /**
     * {@code ptr[:domain-spec]}: matches if a validated name of the client is the domain or below it
     * (section 5.5).
     */
    record Ptr(Optional<MacroString> domain) implements Mechanism {}

    /** {@code ip4:} and {@code ip6:}: matches if the client lies in the network (section 5.6). */
    record Ip(IpNetwork network) implements Mechanism {
        @Override
        public boolean queriesDns() {
            return false;
        }
    }

    /**
     * {@code exists:domain-spec}: matches if the domain has an A record, whatever the client's family
     * (section 5.7).
     */
    record Exists(MacroString domain) implements Mechanism {}
}
