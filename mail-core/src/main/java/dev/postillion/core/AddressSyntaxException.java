package dev.postillion.core;

/** An address that does not follow RFC 5321 syntax; the message says which rule it breaks. */
public final class AddressSyntaxException extends IllegalArgumentException {
    public AddressSyntaxException(String message) {
        super(message);
    }
}
