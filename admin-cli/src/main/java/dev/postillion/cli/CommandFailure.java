package dev.postillion.cli;

/** Why a command could not do its work, as the operator reads it, and the exit status it ends with. */
final class CommandFailure extends RuntimeException {

    private final int exitCode;
    private boolean answered;

    CommandFailure(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }

    /** The node answered with it (an HTTP error): another request may still succeed. */
    CommandFailure answered() {
        answered = true;
        return this;
    }

    boolean isAnswered() {
        return answered;
    }
}
