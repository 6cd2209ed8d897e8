package dev.postillion.loadtest.wire;

/**
 * A server's answer to one command, as a report shows it: its status (an SMTP code such as
 * {@code 250}, IMAP's {@code OK}, POP3's {@code +OK}) and whether it is a success when no check
 * says otherwise. Its {@code toString()} is what a KO shows.
 */
public interface Reply {

    /** The status the report records beside the request, e.g. {@code 250} or {@code NO}. */
    String status();

    /** Whether the command succeeded: what a request without a status check requires. */
    boolean positive();
}
