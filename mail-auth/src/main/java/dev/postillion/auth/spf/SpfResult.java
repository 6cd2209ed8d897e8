package dev.postillion.auth.spf;

import java.util.Locale;

/**
 * The results of {@code check_host()}, RFC 7208 section 2.6, with their meaning to a receiver
 * (section 8).
 */
public enum SpfResult {
    /** No syntactically valid domain, or the domain publishes no SPF record (section 2.6.1). */
    NONE,
    /** The domain states nothing about the client: no mechanism matched, or "?" (section 2.6.2). */
    NEUTRAL,
    /** The client is authorized to use the identity (section 2.6.3). */
    PASS,
    /** The client is not authorized to use the identity (section 2.6.4). */
    FAIL,
    /** Probably not authorized, but the domain makes no strong statement: "~" (section 2.6.5). */
    SOFTFAIL,
    /** A transient error, mostly DNS: a later retry may succeed (section 2.6.6). */
    TEMPERROR,
    /** The domain's records cannot be interpreted correctly (section 2.6.7). */
    PERMERROR;

    /** The result as RFC 8601 and RFC 7208 section 9 write it: lower case, e.g. "softfail". */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The result a directive's qualifier gives when its mechanism matches (section 4.6.2). */
    static SpfResult ofQualifier(char qualifier) {
        return switch (qualifier) {
            case '+' -> PASS;
            case '-' -> FAIL;
            case '~' -> SOFTFAIL;
            case '?' -> NEUTRAL;
            default -> throw new IllegalArgumentException("not a qualifier: " + qualifier);
        };
    }
}
