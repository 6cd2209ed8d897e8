package dev.postillion.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Ends a failed command with one line on standard error and its exit status: the node's own
 * reason where it gave one, never a stack trace.
 */
public final class FailureHandler implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception failure, CommandLine command, ParseResult parsed) {
        String name = command.getCommandSpec().qualifiedName();
        if (failure instanceof CommandFailure known) {
            command.getErr().println(line(name, known));
            return known.exitCode();
        }
        // A fault of the command line itself: say so plainly rather than show its insides.
        command.getErr().println(name + ": failed unexpectedly" + (failure.getMessage() == null ? ""
                : ": " + failure.getMessage()));
        return ExitCode.UNAVAILABLE;
    }

    /** {@code postillion queue hold: no message ... in the queue}: the command, then the reason. */
    static String line(String command, CommandFailure failure) {
        return command + ": " + failure.getMessage();
    }
}
