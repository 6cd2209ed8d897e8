package dev.postillion.core;

/** A name that is no DNS domain name; the message says which rule it breaks, in words for an operator. */
public final class DomainSyntaxException extends IllegalArgumentException {
    public DomainSyntaxException(String message) {
        super(message);
    }
}
