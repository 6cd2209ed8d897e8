package dev.postillion.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code postillion completion}: the bash completion script of every command, for {@code source <(...)}. */
@Command(name = "completion", description = "Print the bash completion script (zsh too, with bashcompinit):"
        + " source <(postillion completion)")
public final class CompletionCommand implements Callable<Integer> {

    @Spec
    private CommandSpec command;

    @Override
    public Integer call() {
        PrintWriter out = command.commandLine().getOut();
        out.print(AutoComplete.bash(command.root().name(), command.root().commandLine()));
        // Only println flushes the console's writer by itself, and the process ends right after.
        out.flush();
        return ExitCode.OK;
    }
}
