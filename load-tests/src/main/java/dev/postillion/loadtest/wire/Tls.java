package dev.postillion.loadtest.wire;

/** How a connection is secured. */
public enum Tls {
    /** Plain text throughout. */
    NONE,
    /**
     * Plain text until the protocol's upgrade command: SMTP's STARTTLS (RFC 3207), IMAP's
     * STARTTLS and POP3's STLS (RFC 2595).
     */
    STARTTLS,
    /** TLS from the first byte (RFC 8314 §3.3), as on ports 465, 993 and 995. */
    IMPLICIT
}
