package dev.postillion.queue.report;

import dev.postillion.core.Envelope;

/**
 * The three reports a sender can get about a message, each named as in the NOTIFY parameter that
 * asks for it (RFC 3461 section 4.1).
 */
public enum ReportKind {

    /** Permanent failure, or the queue lifetime ran out (Action: failed). */
    FAILURE("Undelivered Mail Returned to Sender"),
    /** The delay warning: still queued, still being retried (Action: delayed). */
    DELAY("Delayed Mail (still being retried)"),
    /** Delivered, or relayed to a server that does not report itself (Action: delivered, relayed). */
    SUCCESS("Successful Mail Delivery Report");

    private final String subject;

    ReportKind(String subject) {
        this.subject = subject;
    }

    public String subject() {
        return subject;
    }

    /**
     * Whether this report is to be sent about {@code recipient}. Never to the null sender: reports
     * themselves come from it (RFC 3461 section 6.1), and a report about a report could start a
     * loop (RFC 5321 section 4.5.5). Without
     * NOTIFY, failures are reported and delays at the MTA's discretion, which here is yes, and
     * successes are not (RFC 3461 section 4.1); {@code NOTIFY=NEVER} names no report at all.
     */
    public boolean isRequested(Envelope envelope, Envelope.Recipient recipient) {
        if (envelope.sender().isEmpty()) {
            return false;
        }
        String notify = recipient.parameters().get("NOTIFY");
        if (notify == null) {
            return this != SUCCESS;
        }
        for (String condition : notify.split(",")) {
            if (condition.trim().equalsIgnoreCase(name())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the report can return the whole message. Only a failure does, as the sender may have
     * no other copy; delay and success reports carry its header section (as Postfix's do).
     */
    boolean returnsWholeMessage() {
        return this == FAILURE;
    }
}
