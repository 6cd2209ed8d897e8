package dev.postillion.mta;

import com.typesafe.config.ConfigFactory;
import java.time.Clock;

/**
 * Starts a node: {@code java -jar postillion.jar}, configured by reference.conf, overridden with
 * {@code -Dconfig.file=FILE} and {@code -Dpostillion.KEY=VALUE}. SIGTERM stops it cleanly.
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) throws Exception {
        Node node;
        try {
            node = Node.start(Node.configuration(ConfigFactory.empty()), Clock.systemUTC());
        } catch (Exception e) {
            // Bind errors arrive as checked exceptions; whatever it was, exit so that a supervisor
            // (systemd's Restart=on-failure) sees it. The exit runs the shutdown hooks, which close
            // whatever had been opened.
            System.err.println("postillion: cannot start: " + e);
            System.exit(1);
            return;
        }
        node.terminated().toCompletableFuture().join();
    }
}
