package dev.postillion.mta;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.postillion.core.Keys;
import dev.postillion.core.NodeSettings;
import dev.postillion.core.Store;
import dev.postillion.core.Store.Durability;
import dev.postillion.core.Store.KeyValue;
import dev.postillion.core.StoreBatch;
import dev.postillion.core.StoreException;
import dev.postillion.core.StoreFamily;
import dev.postillion.core.StoreFamily.Placement;
import dev.postillion.core.StoreSettings;
import dev.postillion.core.store.NodeStores;
import dev.postillion.core.store.PostgresSettings;
import dev.postillion.core.store.PostgresStore;
import dev.postillion.core.store.RocksDbStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Moves a single node's shared records out of its RocksDB into the PostgreSQL database its cluster
 * will share ({@code java -jar postillion.jar migrate-store}), with the node stopped and the
 * configuration it will run with afterwards: {@code postillion.store.backend = postgresql}, the
 * database, and the same {@code postillion.data-dir}.
 *
 * <p>Every {@link Placement#SHARED} family is copied, in key order; the spool ({@link
 * Placement#NODE}) stays where it is, and the node's RocksDB is only read, so that its shared
 * records are still there to go back to. The database must hold none yet: the move never merges
 * into data a cluster already has.
 */
public final class StoreMigration {

    /** Keys read per page; keys alone, so a page stays small whatever the values. */
    private static final int KEY_PAGE = 1000;
    /**
     * Values read at once from the node's RocksDB. Each is a record, or a whole message of a
     * mailbox: they are read one by one so that memory is bounded by a few values and one batch,
     * however large the store and its messages.
     */
    private static final int READS = 4;
    /** A batch written to PostgreSQL: this many bytes of keys and values, or this many records. */
    private static final long BATCH_BYTES = 8L << 20;
    private static final int BATCH_RECORDS = 1000;
    /** A batch is written at the latest this long after its first record (the last of a family). */
    private static final Duration BATCH_WAIT = Duration.ofMillis(100);

    /** What to do after a move that stopped half-way: the database holds part of the records. */
    private static final String START_AGAIN = "drop and create the database before running again";
    private static final String NOT_EMPTY = "the shared store at %s already holds records (%s): migrate-store copies"
            + " into an empty database only, never into a cluster's data";

    /** Why the move did not start or did not finish, in one line for the operator. */
    static final class Stopped extends Exception {
        Stopped(String reason) {
            super(reason, null, false, false);
        }
    }

    private record Copied(StoreFamily family, long records) {}

    private StoreMigration() {}

    /**
     * Moves the shared records, printing what was copied on {@code out}, or why it was not on
     * {@code err}.
     *
     * @param config the node's configuration, as {@link Node#configuration} makes it
     * @return the process's exit status: 0 when every family was copied and counted again, 1 if not
     */
    public static int run(Config config, PrintStream out, PrintStream err) {
        try {
            NodeSettings node = NodeSettings.from(config);
            List<Copied> copied = migrate(node, actorSystemSettings(config));
            report(copied, node, out);
            return 0;
        } catch (Stopped e) {
            err.println("postillion migrate-store: " + e.getMessage());
            return 1;
        }
    }

    /**
     * A node that runs on PostgreSQL keeps only its spool in RocksDB: opening its store for the
     * copy would create the shared families empty and "copy" nothing.
     */
    private static void refuseUnlessSingleNodes(Path local, List<StoreFamily> shared) throws Stopped {
        List<String> onDisk = RocksDbStore.families(local);
        List<String> missing = shared.stream().map(StoreFamily::name).filter(name -> !onDisk.contains(name)).toList();
        if (!missing.isEmpty()) {
            throw new Stopped("the node store at " + local.toAbsolutePath() + " has no shared records ("
                    + String.join(", ", missing) + "): it is not a single node's, or its node already runs on"
                    + " PostgreSQL");
        }
    }

    private static List<Copied> migrate(NodeSettings node, Config pekko) throws Stopped {
        StoreSettings settings = node.store();
        if (settings.backend() != StoreSettings.Backend.POSTGRESQL) {
            throw new Stopped("postillion.store.backend is " + settings.backend().name().toLowerCase(Locale.ROOT)
                    + ": set it to postgresql, with the database in postillion.store.postgresql, as the node will"
                    + " run after the move");
        }
        Path local = NodeStores.localDirectory(node.dataDir());
        if (!RocksDbStore.exists(local)) {
            throw new Stopped("no node store at " + local.toAbsolutePath() + ": postillion.data-dir must be the"
                    + " single node's");
        }
        List<StoreFamily> shared = Node.storeFamilies().stream()
                .filter(family -> family.placement() == Placement.SHARED).toList();
        refuseUnlessSingleNodes(local, shared);
        try (Store from = openNodeStore(local, settings); Store to = openSharedStore(settings, shared)) {
            refuseUnlessEmpty(to, shared, settings.postgresql());
            ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "postillion-migrate-store", pekko);
            try {
                Materializer materializer = Materializer.matFromSystem(system);
                List<Copied> copied = new ArrayList<>();
                for (StoreFamily family : shared) {
                    copied.add(copy(from, to, family, materializer));
                }
                return copied;
            } finally {
                system.terminate();
                system.getWhenTerminated().toCompletableFuture().join();
            }
        }
    }

    /** The node's RocksDB with every family (RocksDB opens all or none); its lock fails if the node runs. */
    private static Store openNodeStore(Path local, StoreSettings settings) throws Stopped {
        try {
            return RocksDbStore.open(local, settings, Node.storeFamilies());
        } catch (StoreException e) {
            throw new Stopped(e.getMessage() + " (the node must be stopped)");
        }
    }

    /** Creates the tables as a node does at start. */
    private static Store openSharedStore(StoreSettings settings, List<StoreFamily> shared) throws Stopped {
        try {
            return PostgresStore.open(settings.postgresql(), settings.readThreads(), shared);
        } catch (StoreException e) {
            throw new Stopped(e.getMessage());
        }
    }

    private static void refuseUnlessEmpty(Store to, List<StoreFamily> shared, PostgresSettings database)
            throws Stopped {
        List<String> holding = new ArrayList<>();
        for (StoreFamily family : shared) {
            List<byte[]> first = awaited(to.keysFrom(family, new byte[0], 1),
                    failure -> "reading the shared store failed: " + failure);
            if (!first.isEmpty()) {
                holding.add(family.name());
            }
        }
        if (!holding.isEmpty()) {
            throw new Stopped(NOT_EMPTY.formatted(database.url(), String.join(", ", holding)));
        }
    }

    /**
     * Copies {@code family}, then counts its records in PostgreSQL again. Each batch is written
     * SYNC: its fsync costs little beside a batch of up to {@link #BATCH_BYTES}, and then what
     * the count finds is on the database's disk when the move reports success.
     */
    private static Copied copy(Store from, Store to, StoreFamily family, Materializer materializer) throws Stopped {
        long copied = awaited(keys(from, family)
                .mapAsync(READS, key -> from.read(family, key).thenApply(value -> new KeyValue(key,
                        value.orElseThrow(() -> new StoreException("a record vanished during the copy")))))
                .groupedWeightedWithin(BATCH_BYTES, BATCH_RECORDS,
                        entry -> (long) entry.key().length + entry.value().length, BATCH_WAIT)
                .mapAsync(1, entries -> to.commit(batch(family, entries), Durability.SYNC)
                        .thenApply(written -> (long) entries.size()))
                .runFold(0L, Long::sum, materializer), failure -> copyFailed(family, failure));
        long found = awaited(keys(to, family).runFold(0L, (count, key) -> count + 1, materializer),
                failure -> copyFailed(family, failure));
        if (found != copied) {
            throw new Stopped(family.name() + ": " + copied + " records copied but " + found + " found in"
                    + " PostgreSQL; " + START_AGAIN);
        }
        return new Copied(family, copied);
    }

    /** Every key of {@code family} in key order, a page read when the one before is used up. */
    private static Source<byte[], NotUsed> keys(Store store, StoreFamily family) {
        return Source.unfoldAsync(new byte[0], (byte[] start) -> store.keysFrom(family, start, KEY_PAGE)
                        .thenApply(page -> page.isEmpty() ? Optional.<Pair<byte[], List<byte[]>>>empty()
                                : Optional.of(Pair.create(Keys.successor(page.get(page.size() - 1)), page))))
                .mapConcat(page -> page);
    }

    private static StoreBatch batch(StoreFamily family, List<KeyValue> entries) {
        StoreBatch batch = new StoreBatch();
        entries.forEach(entry -> batch.put(family, entry.key(), entry.value()));
        return batch;
    }

    /** Waits for a step of the move: this is the command's own thread, which may wait. */
    private static <T> T awaited(CompletionStage<T> step, Function<String, String> reason) throws Stopped {
        try {
            return step.toCompletableFuture().join();
        } catch (CompletionException e) {
            throw new Stopped(reason.apply(e.getCause().getMessage()));
        }
    }

    private static String copyFailed(StoreFamily family, String failure) {
        return "copying " + family.name() + " failed: " + failure + "; " + START_AGAIN;
    }

    private static void report(List<Copied> copied, NodeSettings node, PrintStream out) {
        copied.forEach(each -> out.printf("%-20s %d %s copied and counted in PostgreSQL%n", each.family().name(),
                each.records(), each.records() == 1 ? "record" : "records"));
        out.printf("Copied %d records of %d shared families into %s.%n",
                copied.stream().mapToLong(Copied::records).sum(), copied.size(), node.store().postgresql().url());
        out.println("The spool stays in the node's RocksDB at "
                + NodeStores.localDirectory(node.dataDir()).toAbsolutePath() + ", untouched; the shared records there"
                + " are left as they were, so that postillion.store.backend = rocksdb goes back to them.");
    }

    /**
     * An actor system for the streams alone: the node's settings, but a local one, so that the
     * command joins no cluster and binds no port.
     */
    private static Config actorSystemSettings(Config config) {
        return ConfigFactory.parseMap(Map.of("pekko.actor.provider", "local")).withFallback(config);
    }
}
