package dev.postillion.cli;

/**
 * The exit statuses of the admin commands, the same for each so that scripts can branch on them.
 * {@link #USAGE} is picocli's own for a command line it cannot parse.
 */
public final class ExitCode {

    public static final int OK = 0;
    /** The node answered and refused: not found, a conflict, invalid input (HTTP 4xx but 401). */
    public static final int REFUSED = 1;
    public static final int USAGE = 2;
    /** The node cannot be reached, did not answer in time, failed (HTTP 5xx) or does not accept mail. */
    public static final int UNAVAILABLE = 3;
    /** No token, or the node refused it (HTTP 401). */
    public static final int NOT_AUTHORIZED = 4;

    /** For the help's "Exit codes" list; picocli reads annotation values, hence the constants. */
    public static final String HEADING = "%nExit codes:%n";
    public static final String OK_TEXT = "0:done";
    public static final String REFUSED_TEXT = "1:the node refused: not found, conflict, invalid input";
    public static final String USAGE_TEXT = "2:invalid command line";
    public static final String UNAVAILABLE_TEXT = "3:node unreachable, failed (5xx) or not accepting mail";
    public static final String NOT_AUTHORIZED_TEXT = "4:no admin token, or the node refused it";

    private ExitCode() {}
}
