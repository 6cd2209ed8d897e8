package dev.postillion.auth.dmarc;

/**
 * A TXT record that cannot be used as a DMARC policy record (RFC 7489 sections 6.3, 6.4 and 6.6.3):
 * the receiver then applies no DMARC policy. Never leaves this package's evaluation.
 */
public final class DmarcSyntaxException extends Exception {

    private static final long serialVersionUID = 1L;

    public DmarcSyntaxException(String message) {
        super(message);
    }
}
