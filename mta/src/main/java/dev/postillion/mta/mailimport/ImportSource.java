package dev.postillion.mta.mailimport;

import dev.postillion.admin.MailImportAdmin;
import dev.postillion.core.DomainName;
import dev.postillion.core.DomainSyntaxException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The IMAP server and account a mailbox is imported from, as the operator gave them.
 *
 * @param host a host name or an IP address literal
 */
record ImportSource(String host, int port, Tls tls, String username, String password) {

    /**
     * How the connection is protected. {@code NONE} sends the password in clear, so it is allowed
     * only to addresses that cannot be on the internet (loopback, private and link-local
     * networks), as a provider never sends a user's credentials in clear across it.
     */
    enum Tls {
        /** TLS from the first byte (imaps, RFC 8314), usually port 993. */
        IMPLICIT,
        /** STARTTLS required before login (RFC 9051 section 6.2.1), usually port 143. */
        STARTTLS,
        NONE;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Tls of(String label) {
            return Arrays.stream(values()).filter(tls -> tls.label().equals(label)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("tls must be implicit, starttls or none, not '"
                            + label + "'"));
        }
    }

    /**
     * The source of a request, checked.
     *
     * @throws IllegalArgumentException naming the field that is wrong
     */
    static ImportSource of(MailImportAdmin.Request request) {
        String host = request.host().strip();
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (!isAddressLiteral(host)) {
            try {
                host = DomainName.of(host).ascii();
            } catch (DomainSyntaxException e) {
                throw new IllegalArgumentException("host '" + request.host() + "' is neither a host name nor an IP address");
            }
        }
        if (request.port() < 1 || request.port() > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535, not " + request.port());
        }
        if (request.username().isEmpty()) {
            throw new IllegalArgumentException("username must not be empty");
        }
        if (request.password().isEmpty()) {
            throw new IllegalArgumentException("password must not be empty");
        }
        return new ImportSource(host, request.port(), Tls.of(request.tls()), request.username(), request.password());
    }

    /** Without the password, so that no log line can carry it. */
    @Override
    public String toString() {
        return username + " at " + server() + " (tls " + tls.label() + ")";
    }

    /** host:port, as messages to people name the server. */
    String server() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * Why the password may not be sent to {@code addresses} (the host's), if it may not: with TLS
     * it always may; without, only within networks that cannot be the internet.
     */
    Optional<String> clearTextRefusal(InetAddress[] addresses) {
        if (tls != Tls.NONE) {
            return Optional.empty();
        }
        return Arrays.stream(addresses).filter(address -> !isPrivate(address)).findFirst()
                .map(address -> address.getHostAddress() + " is not on a private network: the password would cross"
                        + " the internet in clear; use tls implicit or starttls");
    }

    private static boolean isPrivate(InetAddress address) {
        // RFC 4193 unique local addresses (fc00::/7) are IPv6's private networks.
        boolean uniqueLocal = address instanceof Inet6Address && (address.getAddress()[0] & 0xfe) == 0xfc;
        return address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                || uniqueLocal;
    }

    private static boolean isAddressLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }
}
