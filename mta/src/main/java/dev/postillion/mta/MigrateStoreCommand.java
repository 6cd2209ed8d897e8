package dev.postillion.mta;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code postillion migrate-store}: with the node's configuration and the node stopped, moves a
 * single node's shared records into PostgreSQL ({@link StoreMigration}).
 */
@Command(name = MigrateStoreCommand.NAME, description = "With the node stopped and its configuration, move a single"
        + " node's shared records into the PostgreSQL database of postillion.store.postgresql.")
final class MigrateStoreCommand implements Callable<Integer> {

    static final String NAME = "migrate-store";

    @Override
    public Integer call() {
        try {
            return StoreMigration.run(Node.configuration(ConfigFactory.empty()), System.out, System.err);
        } catch (ConfigException e) {
            // A setting missing or of the wrong kind: its origin and key, not a stack trace.
            System.err.println("postillion " + NAME + ": " + e.getMessage());
            return 1;
        }
    }
}
