package dev.postillion.mta;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Clock;

/**
 * Starts a node: {@code java -jar postillion.jar}, configured by reference.conf, overridden with
 * {@code -Dconfig.file=FILE} and {@code -Dpostillion.KEY=VALUE}. SIGTERM stops it cleanly.
 *
 * <p>{@code java -jar postillion.jar migrate-store}, with the same configuration and the node
 * stopped, moves a single node's shared records into PostgreSQL instead ({@link StoreMigration}).
 */
public final class Main {

    private static final String MIGRATE_STORE = "migrate-store";

    private Main() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            System.exit(command(args));
        }
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

    /** Runs the command named by the arguments; returns the exit status. */
    private static int command(String[] args) {
        if (args.length == 1 && args[0].equals(MIGRATE_STORE)) {
            try {
                return StoreMigration.run(Node.configuration(ConfigFactory.empty()), System.out, System.err);
            } catch (ConfigException e) {
                // A setting missing or of the wrong kind: its origin and key, not a stack trace.
                System.err.println("postillion " + MIGRATE_STORE + ": " + e.getMessage());
                return 1;
            }
        }
        System.err.println("postillion: unknown command '" + String.join(" ", args) + "'; without arguments the"
                + " node starts, with " + MIGRATE_STORE + " it moves its shared records into PostgreSQL");
        return 2;
    }
}
