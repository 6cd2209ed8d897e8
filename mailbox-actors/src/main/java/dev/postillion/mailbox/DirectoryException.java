package dev.postillion.mailbox;

/** A directory request that cannot be done as asked; {@link #kind()} says why, the message says what. */
public final class DirectoryException extends RuntimeException {

    public enum Kind {
        /** The request breaks a rule (a bad character, a weak password). */
        INVALID,
        /** The domain or address does not exist. */
        NOT_FOUND,
        /** It exists already, or something still depends on it. */
        CONFLICT,
        /** A password that proves the user's consent is not theirs. */
        FORBIDDEN
    }

    private final Kind kind;

    public DirectoryException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    static DirectoryException invalid(String message) {
        return new DirectoryException(Kind.INVALID, message);
    }

    static DirectoryException notFound(String message) {
        return new DirectoryException(Kind.NOT_FOUND, message);
    }

    static DirectoryException conflict(String message) {
        return new DirectoryException(Kind.CONFLICT, message);
    }

    static DirectoryException forbidden(String message) {
        return new DirectoryException(Kind.FORBIDDEN, message);
    }
}
