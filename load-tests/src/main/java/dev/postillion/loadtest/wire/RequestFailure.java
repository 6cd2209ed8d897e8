package dev.postillion.loadtest.wire;

/**
 * Why a request got no reply to check: the connection could not be made, broke, or the server
 * went quiet. Its message is what the report shows, so it names the event, never an exception
 * class; the cause, if any, goes to the log.
 */
public final class RequestFailure extends RuntimeException {

    public RequestFailure(String reason) {
        super(reason, null, false, false);
    }
}
