package dev.postillion.auth.dkim;

/**
 * Why a signature cannot pass, found while parsing or checking it. Carries no stack trace: it is
 * an expected outcome, turned into a {@link DkimResult}, not a fault.
 */
public final class DkimException extends Exception {

    private static final long serialVersionUID = 1L;

    private final DkimResult.Reason reason;

    DkimException(DkimResult.Reason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    DkimResult.Reason reason() {
        return reason;
    }

    String detail() {
        return getMessage();
    }
}
