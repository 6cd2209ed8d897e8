package dev.postillion.core.store;

import dev.postillion.core.StoreFamily;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared store's tables: one per record kind, {@code (k bytea PRIMARY KEY, v bytea)}, so a
 * family keeps RocksDB's ordered byte keys (PostgreSQL orders {@code bytea} as unsigned bytes,
 * shorter first on a common prefix, exactly as RocksDB's default comparator).
 *
 * <p>Created and migrated by the node at start. Several nodes may start at once: the work runs in
 * one transaction under a transaction-level advisory lock, so one node migrates while the others
 * wait, then find nothing left to do. Migrations are numbered steps recorded in
 * {@code postillion_schema}; a family's table is created when a module first declares it.
 */
final class PostgresSchema {

    private static final Logger log = LoggerFactory.getLogger(PostgresSchema.class);
    /** Any constant the nodes agree on: the key of the advisory lock that serializes migrations. */
    private static final long MIGRATION_LOCK = 0x706f7374696c6cL;
    private static final Pattern FAMILY_NAME = Pattern.compile("[a-z][a-z0-9-]*");

    /** Versioned steps; a step is never edited once released, only a new one appended. */
    private static final List<String> MIGRATIONS = List.of(
            // 1: the schema's own bookkeeping
            "CREATE TABLE IF NOT EXISTS postillion_schema (version integer PRIMARY KEY,"
                    + " applied_at timestamptz NOT NULL DEFAULT now())");

    private PostgresSchema() {}

    /** The table that holds {@code family}'s records. */
    static String table(StoreFamily family) {
        if (!FAMILY_NAME.matcher(family.name()).matches()) {
            throw new IllegalArgumentException("family name unfit for a table: " + family.name());
        }
        return "store_" + family.name().replace('-', '_');
    }

    static void migrate(Connection connection, Collection<StoreFamily> families) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
            statement.execute(MIGRATIONS.get(0));
            int version = currentVersion(statement);
            for (int step = version + 1; step <= MIGRATIONS.size(); step++) {
                statement.execute(MIGRATIONS.get(step - 1));
                recordVersion(connection, step);
                log.info("Store schema migrated to version {}", step);
            }
            for (StoreFamily family : families) {
                statement.execute("CREATE TABLE IF NOT EXISTS " + table(family)
                        + " (k bytea PRIMARY KEY, v bytea NOT NULL)");
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        }
    }

    private static int currentVersion(Statement statement) throws SQLException {
        try (ResultSet result = statement.executeQuery("SELECT coalesce(max(version), 0) FROM postillion_schema")) {
            result.next();
            return result.getInt(1);
        }
    }

    private static void recordVersion(Connection connection, int version) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO postillion_schema (version) VALUES (?)")) {
            insert.setInt(1, version);
            insert.executeUpdate();
        }
    }
}
