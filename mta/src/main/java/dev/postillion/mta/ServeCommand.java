package dev.postillion.mta;

import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import java.util.concurrent.Callable;
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
            // whatever had been opened.
            System.err.println("postillion: cannot start: " + e);
            return 1;
        }
        node.terminated().toCompletableFuture().join();
        return 0;
    }
}
