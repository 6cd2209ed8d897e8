package dev.postillion.core.store;

import dev.postillion.core.PrivateDirectory;
import dev.postillion.core.StoreBatch;
import dev.postillion.core.StoreException;
import dev.postillion.core.StoreFamily;
import dev.postillion.core.StoreSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one RocksDB instance, with a column family per record kind: the single node's whole
 * store, and in a cluster the spool's. A group is one {@code WriteBatch}; with a SYNC batch among
 * them, one WAL fsync covers them all.
 */
public final class RocksDbStore extends GroupCommitStore {

    private static final Logger log = LoggerFactory.getLogger(RocksDbStore.class);

    private final RocksDB db;
    private final DBOptions dbOptions;
    private final List<ColumnFamilyOptions> familyOptions;
    private final LRUCache blockCache;
    /** The declared families' handles, by name. */
    private final Map<String, ColumnFamilyHandle> families;
    private final List<ColumnFamilyHandle> allHandles;

    static {
        RocksDB.loadLibrary();
    }

    private RocksDbStore(RocksDB db, DBOptions dbOptions, List<ColumnFamilyOptions> familyOptions, LRUCache blockCache,
            List<ColumnFamilyHandle> handles, Map<String, ColumnFamilyHandle> families, int readThreads) {
        super(readThreads);
        this.db = db;
        this.dbOptions = dbOptions;
        this.familyOptions = familyOptions;
        this.blockCache = blockCache;
        this.allHandles = handles;
        this.families = families;
        startCommitter();
    }

    /**
     * Opens (creating if needed) the store under {@code directory} with the column families the
     * node's modules declare. Families on disk that none declares any more are opened too (RocksDB
     * opens all or none), but cannot be used.
     */
    public static RocksDbStore open(Path directory, StoreSettings settings, Collection<StoreFamily> declared) {
        try {
            PrivateDirectory.create(directory);
            LRUCache cache = new LRUCache(settings.blockCacheBytes());
            DBOptions options = new DBOptions()
                    .setCreateIfMissing(true)
                    .setCreateMissingColumnFamilies(true)
                    .setMaxBackgroundJobs(settings.backgroundJobs())
                    .setBytesPerSync(1 << 20);
            List<ColumnFamilyOptions> familyOptions = new ArrayList<>();
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            ColumnFamilyOptions defaultOptions = tableOptions(new ColumnFamilyOptions(), cache);
            familyOptions.add(defaultOptions);
            descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, defaultOptions));
            List<String> names = new ArrayList<>();
            for (StoreFamily family : declared) {
                ColumnFamilyOptions cf = tableOptions(new ColumnFamilyOptions(), cache);
                if (family.keepsBlobs()) {
                    // Message bodies: values stay out of the LSM tree, so compaction does not rewrite them.
                    cf.setEnableBlobFiles(true).setMinBlobSize(settings.blobMinBytes());
                }
                familyOptions.add(cf);
                descriptors.add(new ColumnFamilyDescriptor(family.nameBytes(), cf));
                names.add(family.name());
            }
            for (String undeclared : undeclared(directory, names)) {
                ColumnFamilyOptions cf = tableOptions(new ColumnFamilyOptions(), cache);
                familyOptions.add(cf);
                descriptors.add(new ColumnFamilyDescriptor(undeclared.getBytes(StandardCharsets.UTF_8), cf));
            }
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            RocksDB db = RocksDB.open(options, directory.toString(), descriptors, handles);
            Map<String, ColumnFamilyHandle> byName = new HashMap<>();
            for (int i = 0; i < names.size(); i++) {
                byName.put(names.get(i), handles.get(i + 1)); // handle 0 is RocksDB's "default"
            }
            log.info("Store open at {}", directory.toAbsolutePath());
            return new RocksDbStore(db, options, familyOptions, cache, handles, byName, settings.readThreads());
        } catch (RocksDBException | java.io.IOException e) {
            throw new StoreException("cannot open store at " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Whether a store was ever opened under {@code directory}: RocksDB's CURRENT file names its manifest. */
    public static boolean exists(Path directory) {
        return Files.exists(directory.resolve("CURRENT"));
    }

    /** The names of the families in the store on disk under {@code directory}, RocksDB's default left out. */
    public static List<String> families(Path directory) {
        List<String> found = new ArrayList<>();
        try (Options options = new Options()) {
            for (byte[] name : RocksDB.listColumnFamilies(options, directory.toString())) {
                if (!Arrays.equals(name, RocksDB.DEFAULT_COLUMN_FAMILY)) {
                    found.add(new String(name, StandardCharsets.UTF_8));
                }
            }
        } catch (RocksDBException e) {
            throw new StoreException("cannot list the families of the store at " + directory + ": " + e.getMessage(), e);
        }
        return found;
    }

    /** Families in the store on disk, other than RocksDB's default, that are not {@code declared}. */
    private static List<String> undeclared(Path directory, List<String> declared) throws RocksDBException {
        if (!exists(directory)) {
            return List.of(); // a new store
        }
        return families(directory).stream().filter(family -> !declared.contains(family)).toList();
    }

    private static ColumnFamilyOptions tableOptions(ColumnFamilyOptions options, LRUCache cache) {
        // Bloom filters: a lookup of a key that is not there (an unknown recipient, a first delivery)
        // is answered from memory instead of reading blocks.
        return options.setTableFormatConfig(new BlockBasedTableConfig()
                .setBlockCache(cache)
                .setFilterPolicy(new BloomFilter(10)));
    }

    @Override
    Optional<byte[]> get(StoreFamily family, byte[] key) throws RocksDBException {
        return Optional.ofNullable(db.get(handle(family), key));
    }

    @Override
    List<KeyValue> scan(StoreFamily family, byte[] from, byte[] to, int limit, boolean values) throws RocksDBException {
        // The upper bound lets RocksDB stop at `to` without stepping over the deleted entries
        // (tombstones) beyond it, which a queue's index accumulates.
        try (Slice upper = to == null ? null : new Slice(to);
                ReadOptions options = upper == null ? new ReadOptions() : new ReadOptions().setIterateUpperBound(upper);
                RocksIterator it = db.newIterator(handle(family), options)) {
            List<KeyValue> result = new ArrayList<>();
            for (it.seek(from); it.isValid() && result.size() < limit; it.next()) {
                byte[] key = it.key();
                if (to != null && Arrays.compareUnsigned(key, to) >= 0) {
                    break;
                }
                result.add(new KeyValue(key, values ? it.value() : null));
            }
            it.status(); // an I/O or corruption error must not pass for the end of the data
            return result;
        } catch (RocksDBException e) {
            throw new StoreException("read failed: " + e.getMessage(), e);
        }
    }

    /**
     * The committer is this store's only writer, so an expectation checked here holds when the
     * group is written: it is checked against the database and the batches before it in the group.
     */
    @Override
    BitSet write(List<StoreBatch> batches, boolean sync) throws RocksDBException {
        BitSet refused = new BitSet();
        // Kept only when some batch has an expectation: most groups have none.
        GroupWrites earlier = batches.stream().anyMatch(each -> !each.expectations().isEmpty()) ? new GroupWrites() : null;
        try (WriteBatch batch = new WriteBatch(); WriteOptions options = new WriteOptions().setSync(sync)) {
            for (int i = 0; i < batches.size(); i++) {
                StoreBatch each = batches.get(i);
                if (!holds(each.expectations(), earlier)) {
                    refused.set(i);
                    continue;
                }
                for (StoreBatch.Operation op : each.operations()) {
                    apply(batch, op);
                    if (earlier != null) {
                        earlier.record(op);
                    }
                }
            }
            db.write(options, batch);
        }
        return refused;
    }

    private boolean holds(List<StoreBatch.Expectation> expectations, GroupWrites earlier) throws RocksDBException {
        for (StoreBatch.Expectation expectation : expectations) {
            Optional<Optional<byte[]>> written = earlier.value(expectation.family(), expectation.key());
            byte[] current = written.isPresent() ? written.get().orElse(null)
                    : db.get(handle(expectation.family()), expectation.key());
            if (!Arrays.equals(current, expectation.value())) {
                return false;
            }
        }
        return true;
    }

    @Override
    void checkDeclared(StoreFamily family) {
        handle(family);
    }

    private ColumnFamilyHandle handle(StoreFamily family) {
        ColumnFamilyHandle handle = families.get(family.name());
        if (handle == null) {
            throw new StoreException("family " + family.name() + " was not declared when the store was opened");
        }
        return handle;
    }

    private void apply(WriteBatch batch, StoreBatch.Operation op) throws RocksDBException {
        if (op instanceof StoreBatch.Put put) {
            batch.put(handle(put.family()), put.key(), put.value());
        } else if (op instanceof StoreBatch.Delete delete) {
            batch.delete(handle(delete.family()), delete.key());
        } else if (op instanceof StoreBatch.DeleteRange range) {
            batch.deleteRange(handle(range.family()), range.from(), range.to());
        }
    }

    @Override
    void release() {
        try {
            db.syncWal();
        } catch (RocksDBException e) {
            log.warn("WAL sync at close failed: {}", e.getMessage());
        }
        allHandles.forEach(ColumnFamilyHandle::close);
        db.close();
        familyOptions.forEach(ColumnFamilyOptions::close);
        dbOptions.close();
        blockCache.close();
        log.info("Store closed");
    }
}
