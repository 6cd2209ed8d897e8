package dev.postillion.loadtest.smtp;

/**
 * Why a request got no reply to check: the connection could not be made, broke, or the server
 * went quiet. Its message is what the report shows, so it names the event, never an exception
 * class; the cause, if any, goes to the log.
 */
final class SmtpFailure extends RuntimeException {

    SmtpFailure(String reason) {
        super(reason, null, false, false);
    }
}
