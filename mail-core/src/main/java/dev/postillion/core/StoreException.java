package dev.postillion.core;

/**
 * The store could not do what was asked: disk full, I/O error, or closed for shutdown. Always our
 * fault, never the client's, so SMTP answers it with a 4xx (ARCHITECTURE rule 7).
 */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
