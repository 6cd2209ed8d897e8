package dev.postillion.queue;

/**
 * What became of one recipient in one delivery attempt.
 *
 * @param recipient index into the envelope's recipients
 * @param relay where it went, as the queue log shows it: {@code local}, or {@code host[ip]:port}
 * @param dsn the RFC 3463 enhanced status code, e.g. {@code 2.0.0}
 * @param detail the answer, for the log and reports
 */
public record RecipientOutcome(int recipient, Status status, String relay, String dsn, String detail) {

    public enum Status {
        /** Final: in a mailbox or accepted by the next hop. Logged {@code status=sent}. */
        SENT,
        /** Temporary failure: stays queued and is retried. */
        DEFERRED,
        /** Final: permanent failure, to be returned to the sender. */
        BOUNCED;

        public String logName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public boolean isFinal() {
        return status != Status.DEFERRED;
    }
}
