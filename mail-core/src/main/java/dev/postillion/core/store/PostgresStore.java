package dev.postillion.core.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.postillion.core.StoreBatch;
import dev.postillion.core.StoreException;
import dev.postillion.core.StoreFamily;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared store of a cluster in PostgreSQL (ARCHITECTURE "Storage"): a table per family
 * ({@link PostgresSchema}), reached through pgjdbc and a HikariCP pool from the store's own
 * threads only. A group of batches is one transaction; with a SYNC batch among them it commits
 * synchronously (the server's WAL flush covers them all), otherwise with
 * {@code synchronous_commit = off}, PostgreSQL's counterpart of an unsynced RocksDB write.
 *
 * <p>Several nodes write at once, each with its own committer: an expectation ({@link
 * StoreBatch#expect}) is checked under an advisory lock on its record, inside the transaction that
 * writes the batch, so it holds against every node's writes.
 */
public final class PostgresStore extends GroupCommitStore {

    private static final Logger log = LoggerFactory.getLogger(PostgresStore.class);
    /** Deadlock and serialization failures: another node's transaction won, this one may be retried. */
    private static final List<String> RETRYABLE = List.of("40P01", "40001");
    private static final int ATTEMPTS = 3;

    /** A family's statements, built once from its table's name. */
    private record FamilySql(String table, String upsert, String delete, String deleteRange, String get) {
        static FamilySql of(StoreFamily family) {
            String table = PostgresSchema.table(family);
            return new FamilySql(table,
                    "INSERT INTO " + table + " (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v",
                    "DELETE FROM " + table + " WHERE k = ?",
                    "DELETE FROM " + table + " WHERE k >= ? AND k < ?",
                    "SELECT v FROM " + table + " WHERE k = ?");
        }

        /** The query of a scan from a key, to another ({@code bounded}) or to the family's end. */
        String scan(boolean bounded, boolean values) {
            return "SELECT " + (values ? "k, v" : "k") + " FROM " + table + " WHERE k >= ?"
                    + (bounded ? " AND k < ?" : "") + " ORDER BY k LIMIT ?";
        }
    }

    private final HikariDataSource pool;
    private final Map<String, FamilySql> families;

    private PostgresStore(HikariDataSource pool, Map<String, FamilySql> families, int readThreads) {
        super(readThreads);
        this.pool = pool;
        this.families = families;
        startCommitter();
    }

    /**
     * Connects, creates or migrates the schema for the {@code declared} families, and opens the
     * store. Fails with {@link StoreException} when the database cannot be reached.
     */
    public static PostgresStore open(PostgresSettings settings, int readThreads, Collection<StoreFamily> declared) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.url());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(settings.poolSize());
        config.setConnectionTimeout(settings.connectTimeout().toMillis());
        config.setPoolName("postillion-store");
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreException("cannot reach the shared store at " + settings.url() + ": " + e.getMessage(), e);
        }
        try (Connection connection = pool.getConnection()) {
            PostgresSchema.migrate(connection, declared);
        } catch (SQLException | RuntimeException e) {
            pool.close();
            throw new StoreException("cannot prepare the shared store at " + settings.url() + ": " + e.getMessage(), e);
        }
        log.info("Store open at {}", settings.url());
        Map<String, FamilySql> families = declared.stream()
                .collect(Collectors.toUnmodifiableMap(StoreFamily::name, FamilySql::of));
        return new PostgresStore(pool, families, readThreads);
    }

    @Override
    void checkDeclared(StoreFamily family) {
        sql(family);
    }

    private FamilySql sql(StoreFamily family) {
        FamilySql sql = families.get(family.name());
        if (sql == null) {
            throw new StoreException("family " + family.name() + " was not declared when the store was opened");
        }
        return sql;
    }

    @Override
    BitSet write(List<StoreBatch> batches, boolean sync) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                return writeOnce(batches, sync);
            } catch (SQLException e) {
                // A connection lost has no SQL state: not retried here, and its own message is logged.
                if (attempt == ATTEMPTS || e.getSQLState() == null || !RETRYABLE.contains(e.getSQLState())) {
                    throw e;
                }
                log.info("Store write lost to a concurrent transaction ({}), attempt {} of {}",
                        e.getSQLState(), attempt + 1, ATTEMPTS);
            }
        }
    }

    private BitSet writeOnce(List<StoreBatch> batches, boolean sync) throws SQLException {
        BitSet refused = new BitSet();
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            try {
                if (!sync) {
                    try (Statement statement = connection.createStatement()) {
                        statement.execute("SET LOCAL synchronous_commit TO off");
                    }
                }
                lockExpected(connection, batches);
                try (StatementRuns runs = new StatementRuns(connection)) {
                    for (int i = 0; i < batches.size(); i++) {
                        StoreBatch batch = batches.get(i);
                        if (!batch.expectations().isEmpty()) {
                            runs.flush(); // the check must see the batches before it
                            if (!holds(connection, batch.expectations())) {
                                refused.set(i);
                                continue;
                            }
                        }
                        for (StoreBatch.Operation op : batch.operations()) {
                            add(runs, op);
                        }
                    }
                }
                connection.commit();
                return refused;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /**
     * Takes a transaction-level advisory lock per expected record, in one order on every node, so
     * that another node's writer of the same record waits until this transaction ends and then
     * sees what it wrote (a row lock cannot guard a record that does not exist yet).
     */
    private void lockExpected(Connection connection, List<StoreBatch> batches) throws SQLException {
        long[] locks = batches.stream().flatMap(batch -> batch.expectations().stream())
                .mapToLong(expectation -> lockKey(sql(expectation.family()).table(), expectation.key()))
                .distinct().sorted().toArray();
        if (locks.length == 0) {
            return;
        }
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            for (long key : locks) {
                lock.setLong(1, key);
                lock.execute();
            }
        }
    }

    /** A 64-bit FNV-1a hash of the table and the key: two records sharing one only wait for each other. */
    private static long lockKey(String table, byte[] key) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : table.getBytes(StandardCharsets.US_ASCII)) {
            hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
        }
        hash = (hash ^ 0xff) * 0x100000001b3L; // a separator no table name holds
        for (byte b : key) {
            hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
        }
        return hash;
    }

    private boolean holds(Connection connection, List<StoreBatch.Expectation> expectations) throws SQLException {
        for (StoreBatch.Expectation expectation : expectations) {
            try (PreparedStatement query = connection.prepareStatement(sql(expectation.family()).get())) {
                query.setBytes(1, expectation.key());
                try (ResultSet result = query.executeQuery()) {
                    byte[] current = result.next() ? result.getBytes(1) : null;
                    if (!Arrays.equals(current, expectation.value())) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private void add(StatementRuns runs, StoreBatch.Operation op) throws SQLException {
        FamilySql sql = sql(op.family());
        if (op instanceof StoreBatch.Put put) {
            runs.add(sql.upsert(), put.key(), put.value());
        } else if (op instanceof StoreBatch.Delete delete) {
            runs.add(sql.delete(), delete.key());
        } else if (op instanceof StoreBatch.DeleteRange range) {
            runs.add(sql.deleteRange(), range.from(), range.to());
        }
    }

    /**
     * Consecutive operations with the same statement go to the server as one JDBC batch; the order
     * of the operations is kept, so a later write of a key wins as it does in RocksDB.
     */
    private static final class StatementRuns implements AutoCloseable {
        private final Connection connection;
        private String sql;
        private PreparedStatement statement;

        StatementRuns(Connection connection) {
            this.connection = connection;
        }

        void add(String sql, byte[]... parameters) throws SQLException {
            if (!sql.equals(this.sql)) {
                flush();
                this.statement = connection.prepareStatement(sql);
                this.sql = sql;
            }
            for (int i = 0; i < parameters.length; i++) {
                statement.setBytes(i + 1, parameters[i]);
            }
            statement.addBatch();
        }

        void flush() throws SQLException {
            if (statement != null) {
                try (PreparedStatement run = statement) {
                    run.executeBatch();
                }
                statement = null;
                sql = null;
            }
        }

        @Override
        public void close() throws SQLException {
            flush();
        }
    }

    @Override
    Optional<byte[]> get(StoreFamily family, byte[] key) throws SQLException {
        try (Connection connection = pool.getConnection();
                PreparedStatement query = connection.prepareStatement(sql(family).get())) {
            query.setBytes(1, key);
            try (ResultSet result = query.executeQuery()) {
                return result.next() ? Optional.of(result.getBytes(1)) : Optional.empty();
            }
        }
    }

    @Override
    List<KeyValue> scan(StoreFamily family, byte[] from, byte[] to, int limit, boolean values) throws SQLException {
        try (Connection connection = pool.getConnection();
                PreparedStatement query = connection.prepareStatement(sql(family).scan(to != null, values))) {
            int parameter = 1;
            query.setBytes(parameter++, from);
            if (to != null) {
                query.setBytes(parameter++, to);
            }
            query.setInt(parameter, limit);
            try (ResultSet result = query.executeQuery()) {
                List<KeyValue> entries = new ArrayList<>();
                while (result.next()) {
                    entries.add(new KeyValue(result.getBytes(1), values ? result.getBytes(2) : null));
                }
                return entries;
            }
        }
    }

    @Override
    void release() {
        pool.close();
        log.info("Store closed");
    }
}
