package dev.postillion.auth.spf;

/** A record, or a part of it, breaks the grammar of RFC 7208 (sections 4.6, 5, 6, 7.1, 12): a permerror. */
final class SpfSyntaxException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    SpfSyntaxException(String message) {
        super(message, null, false, false);
    }
}
