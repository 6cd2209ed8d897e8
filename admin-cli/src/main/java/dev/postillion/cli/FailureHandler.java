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
        // A fault of ours, or an answer of a shape this command does not know (a node of another
        // version): said plainly, without the insides an exception's text would show.
        command.getErr().println(name + ": failed unexpectedly, a fault of Postillion's; with an admin command,"
                + " a node of another version than this jar's may be the cause");
        return ExitCode.UNAVAILABLE;
    }

    /** {@code postillion queue hold: no message ... in the queue}: the command, then the reason. */
    static String line(String command, CommandFailure failure) {
        return command + ": " + failure.getMessage();
    }
}
