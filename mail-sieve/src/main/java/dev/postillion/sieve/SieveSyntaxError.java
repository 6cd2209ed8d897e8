package dev.postillion.sieve;

/**
 * A script that cannot run: bad grammar (RFC 5228 s8), an unknown or unsupported command, test or
 * extension, an extension used without its {@code require}, or arguments of the wrong type or
 * number. Its message is {@code "line L, column C: problem"}, what an uploader is shown.
 */
public final class SieveSyntaxError extends Exception {

    private final int line;
    private final int column;
    private final String problem;

    /** An error at {@code line} and {@code column} (both counted from 1). */
    public SieveSyntaxError(int line, int column, String problem) {
        super("line " + line + ", column " + column + ": " + problem);
        this.line = line;
        this.column = column;
        this.problem = problem;
    }

    /** The line of the error, counted from 1. */
    public int line() {
        return line;
    }

    /** The column of the error within its line, counted from 1 in characters. */
    public int column() {
        return column;
    }

    /** The problem without its position, e.g. {@code unknown command "filinto"}. */
    public String problem() {
        return problem;
    }
}
