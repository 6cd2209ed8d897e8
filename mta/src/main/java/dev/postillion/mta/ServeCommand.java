package dev.postillion.mta;

import com.typesafe.config.ConfigFactory;
import java.net.BindException;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

/**
 * {@code postillion serve}: starts a node, configured by reference.conf, overridden with
 * {@code -Dconfig.file=FILE} and {@code -Dpostillion.KEY=VALUE}, and runs until it stops;
 * SIGTERM stops it cleanly.
 */
@Command(name = "serve", description = "Start a node; configured with -Dconfig.file=FILE and -Dpostillion.KEY=VALUE"
        + " given to java. SIGTERM stops it cleanly.")
final class ServeCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        Node node;
        try {
            node = Node.start(Node.configuration(ConfigFactory.empty()), Clock.systemUTC());
        } catch (Exception e) {
            // Bind errors arrive as checked exceptions; whatever it was, exit so that a supervisor
            // (systemd's Restart=on-failure) sees it. The exit runs the shutdown hooks, which close
            // whatever had been opened. The cause goes to the log; the operator's line says what.
            // Looked up here, not when the command line is built: the admin commands never start logging.
            LoggerFactory.getLogger(ServeCommand.class).error("cannot start", e);
            System.err.println("postillion: cannot start: " + reason(e));
            return 1;
        }
        node.terminated().toCompletableFuture().join();
        return 0;
    }

    /** Why the node did not start, in words: a port in use is the usual cause, named as such. */
    private static String reason(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException || String.valueOf(cause.getMessage()).contains("Address already in use")) {
                return "a port it listens on is in use by another program (the log names it)";
            }
        }
        return "the log above says why";
    }
}
