package dev.postillion.queue.tls;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How much TLS the client demands of a next hop's servers: a subset of Postfix's
 * smtp_tls_security_level, with its names. Postfix's {@code verify} and {@code secure} (PKIX
 * certificates with names checked against the MX host) are left out: mail servers' certificates
 * rarely satisfy them, and DANE authenticates the servers that publish what it takes.
 */
public enum TlsLevel {
    /** Plain text, never STARTTLS: for servers whose TLS is known to be broken. */
    NONE,
    /**
     * Opportunistic TLS (RFC 7435): STARTTLS when the server offers it, with any certificate, plain
     * text when it does not. A failed handshake is retried in plain text at once, as Postfix does.
     */
    MAY,
    /** Mandatory TLS, any certificate: a server without STARTTLS, or a failed handshake, defers the mail. */
    ENCRYPT,
    /**
     * Opportunistic DANE (RFC 7672): where DNSSEC-signed TLSA records say so, TLS is mandatory and
     * the certificate must match them; elsewhere as {@link #MAY}. The default.
     */
    DANE,
    /** Mandatory DANE: a server without usable, DNSSEC-signed TLSA records gets no mail. */
    DANE_ONLY;

    /** The name in configuration: {@code none}, {@code may}, {@code encrypt}, {@code dane}, {@code dane-only}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** @throws IllegalArgumentException naming the levels, when {@code name} is none of them */
    public static TlsLevel parse(String name) {
        return Arrays.stream(values())
                .filter(level -> level.configName().equals(name.trim().toLowerCase(Locale.ROOT)))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("\"" + name + "\" is no TLS level; one of "
                        + Arrays.stream(values()).map(TlsLevel::configName).collect(Collectors.joining(", "))));
    }
}
