package dev.postillion.queue.report;

import java.util.Locale;

/** What became of one recipient, as the Action field of a report says it (RFC 3464 section 2.3.3). */
public enum Action {

    FAILED(ReportKind.FAILURE),
    DELAYED(ReportKind.DELAY),
    /** Into a mailbox of ours. */
    DELIVERED(ReportKind.SUCCESS),
    /** Handed to a server that does not support DSN, so no later report will come from there. */
    RELAYED(ReportKind.SUCCESS);

    private final ReportKind kind;

    Action(ReportKind kind) {
        this.kind = kind;
    }

    /** The report that tells of this action. */
    public ReportKind kind() {
        return kind;
    }

    String fieldValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
