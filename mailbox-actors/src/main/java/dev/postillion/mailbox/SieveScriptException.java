package dev.postillion.mailbox;

/**
 * A Sieve script request that cannot be done as asked: {@link #kind()} says how the admin API
 * answers it, {@link #code()} which ManageSieve response code goes with it (RFC 5804 section 1.3),
 * the message what is wrong.
 */
public final class SieveScriptException extends RuntimeException {

    /** ManageSieve's response codes for the refusals (RFC 5804 section 1.3); NONE for plain NO. */
    public enum Code {
        NONE(""),
        NONEXISTENT("NONEXISTENT"),
        ALREADY_EXISTS("ALREADYEXISTS"),
        ACTIVE("ACTIVE"),
        MAX_SCRIPTS("QUOTA/MAXSCRIPTS"),
        MAX_SIZE("QUOTA/MAXSIZE");

        private final String text;

        Code(String text) {
            this.text = text;
        }

        /** As ManageSieve writes it, without parentheses; empty for NONE. */
        public String text() {
            return text;
        }
    }

    private final DirectoryException.Kind kind;
    private final Code code;

    SieveScriptException(DirectoryException.Kind kind, Code code, String message) {
        super(message);
        this.kind = kind;
        this.code = code;
    }

    public DirectoryException.Kind kind() {
        return kind;
    }

    public Code code() {
        return code;
    }
}
