package dev.postillion.mta;

import dev.postillion.cli.AddressCommand;
import dev.postillion.cli.CompletionCommand;
import dev.postillion.cli.DomainCommand;
import dev.postillion.cli.ExitCode;
import dev.postillion.cli.FailureHandler;
import dev.postillion.cli.GreylistCommand;
import dev.postillion.cli.QueueCommand;
import dev.postillion.cli.ServiceCommand;
import dev.postillion.cli.StatusCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code postillion}, the jar's one entry: {@code serve} (or nothing) starts a node,
 * {@code migrate-store} moves a stopped single node's records into PostgreSQL, and the admin
 * commands (status, queue, service, domain, address, greylist) talk to a running node's admin API.
 */
@Command(name = "postillion",
        description = "Postillion, a mail transfer agent. Without a command, starts a node (as serve does).",
        versionProvider = Main.Version.class,
        subcommands = {ServeCommand.class, MigrateStoreCommand.class, StatusCommand.class, QueueCommand.class,
                ServiceCommand.class, DomainCommand.class, AddressCommand.class, GreylistCommand.class, CompletionCommand.class},
        exitCodeListHeading = ExitCode.HEADING,
        exitCodeList = {ExitCode.OK_TEXT, ExitCode.REFUSED_TEXT, ExitCode.USAGE_TEXT, ExitCode.UNAVAILABLE_TEXT,
                ExitCode.NOT_AUTHORIZED_TEXT})
public final class Main implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "show this help")
    private boolean help;

    @Option(names = {"-V", "--version"}, versionHelp = true, description = "show the version of the jar")
    private boolean version;

    /** The version the jar's manifest records (mta's pom); classes not run from the jar have none. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"postillion " + (version == null ? "(not run from its jar: no version)" : version)};
        }
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The whole command line, as main runs it; tests run it in-process with their own output. */
    static CommandLine commandLine() {
        return new CommandLine(new Main())
                .setExecutionExceptionHandler(new FailureHandler())
                .setCaseInsensitiveEnumValuesAllowed(true);
    }

    /** No command: start the node, so that {@code java -jar postillion.jar} does what it always did. */
    @Override
    public Integer call() {
        return new ServeCommand().call();
    }
}
