package dev.postillion.queue.tls;

import dev.postillion.queue.TransportSecurity.Dane;
import dev.postillion.queue.routing.MailHost;
import dev.postillion.queue.routing.Tlsa;
import java.util.Optional;

/**
 * What the client demands of one mail host's TLS, from the next hop's {@link TlsLevel} and what
 * DNS says of the host's TLSA records.
 *
 * @param mode whether to say STARTTLS, and what follows when TLS cannot be had
 * @param dane the log's {@code dane=} for the connection, unless a certificate is authenticated
 *     ({@code verified}): for {@link Mode#AUTHENTICATED} and {@link Mode#REFUSED}, {@code failed}
 * @param tlsa for {@link Mode#AUTHENTICATED}, the records the certificate must match
 * @param refusal for {@link Mode#REFUSED}, why the host gets no mail
 */
public record TlsDemand(Mode mode, Dane dane, Optional<TlsaRecords> tlsa, String refusal) {

    public enum Mode {
        /** No STARTTLS. */
        PLAIN,
        /** STARTTLS when offered, any certificate; plain text otherwise, or after a failed handshake (RFC 7435). */
        OPPORTUNISTIC,
        /** STARTTLS or no mail, any certificate. */
        ENCRYPTED,
        /** STARTTLS, and a certificate that {@link #tlsa} authenticates, or no mail (RFC 7672 section 2.2). */
        AUTHENTICATED,
        /** No connection at all: the host cannot be trusted with mail (a failed TLSA lookup, or no DANE for dane-only). */
        REFUSED
    }

    public static TlsDemand of(TlsLevel level, MailHost host) {
        return switch (level) {
            case NONE -> plain(Dane.OFF);
            case MAY -> opportunistic(Dane.OFF);
            case ENCRYPT -> new TlsDemand(Mode.ENCRYPTED, Dane.OFF, Optional.empty(), "");
            case DANE, DANE_ONLY -> dane(host.tlsa(), level == TlsLevel.DANE_ONLY);
        };
    }

    /** After a failed opportunistic handshake: the same host in plain text. */
    public static TlsDemand plain(Dane dane) {
        return new TlsDemand(Mode.PLAIN, dane, Optional.empty(), "");
    }

    /** Whether to say STARTTLS when the server offers it. */
    public boolean wantsTls() {
        return mode != Mode.PLAIN;
    }

    /** Whether the mail must wait when TLS cannot be had. */
    public boolean requiresTls() {
        return mode == Mode.ENCRYPTED || mode == Mode.AUTHENTICATED;
    }

    private static TlsDemand opportunistic(Dane dane) {
        return new TlsDemand(Mode.OPPORTUNISTIC, dane, Optional.empty(), "");
    }

    /**
     * RFC 7672 section 2.2: DANE applies to a host with secure, usable TLSA records; a host whose
     * records are secure but all unusable is treated as one without (section 3.1.3); a failed or
     * bogus lookup leaves the host out, as it may hide records an attacker wants us not to see.
     */
    private static TlsDemand dane(Tlsa tlsa, boolean only) {
        if (tlsa instanceof Tlsa.Failed failed) {
            return refused("dane: TLSA lookup failed: " + failed.reason());
        }
        if (tlsa instanceof Tlsa.Found found) {
            Optional<TlsaRecords> usable = TlsaRecords.usable(found.records());
            if (usable.isPresent()) {
                return new TlsDemand(Mode.AUTHENTICATED, Dane.FAILED, usable, "");
            }
            return only ? refused("dane-only: no usable TLSA record") : opportunistic(Dane.UNUSABLE);
        }
        if (only) {
            return refused("dane-only: no DNSSEC-validated TLSA records");
        }
        return opportunistic(tlsa instanceof Tlsa.Denied ? Dane.NO_TLSA
                : tlsa instanceof Tlsa.Insecure ? Dane.INSECURE : Dane.OFF);
    }

    private static TlsDemand refused(String reason) {
        return new TlsDemand(Mode.REFUSED, Dane.FAILED, Optional.empty(), reason);
    }
}
