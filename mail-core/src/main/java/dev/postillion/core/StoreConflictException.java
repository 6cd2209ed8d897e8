package dev.postillion.core;

/**
 * A batch was refused because a record it expected had changed ({@link StoreBatch#expect}): another
 * writer, maybe on another node, got there first. The caller reads again and decides anew.
 */
public final class StoreConflictException extends StoreException {
    public StoreConflictException(String message) {
        super(message);
    }
}
