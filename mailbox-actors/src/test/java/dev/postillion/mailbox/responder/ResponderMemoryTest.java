package dev.postillion.mailbox.responder;

import dev.postillion.mailbox.MailboxFamilies;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.postillion.core.Store;
import dev.postillion.core.Store.Durability;
import dev.postillion.core.StoreBatch;
import dev.postillion.core.StoreFamily;
import dev.postillion.core.TestStores;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;

class ResponderMemoryTest {

    private static final Instant MONDAY = Instant.parse("2026-11-23T09:15:30.123Z");
    private static final Instant FRIDAY = Instant.parse("2026-11-27T17:00:00Z");

    @TempDir Path dir;
    private Store store;
    private ResponderMemory memory;

    @BeforeEach
    void open() {
        store = TestStores.open(dir, MailboxFamilies.ALL);
        memory = new ResponderMemory(store);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void unknownSenderWasNeverAnswered() {
        assertEquals(Optional.empty(), lastReply(memory, "anna@example.com", "bob@example.org"));
    }

    @Test
    void rememberedReplyIsReadBackWhateverTheCase() {
        commit(batch -> memory.remember(batch, "anna@example.com", "Bob@Example.ORG", MONDAY));
        assertEquals(Optional.of(MONDAY), lastReply(memory, "Anna@EXAMPLE.com", "bob@example.org"));
    }

    @Test
    void laterReplyReplacesTheEarlier() {
        commit(batch -> memory.remember(batch, "anna@example.com", "bob@example.org", MONDAY));
        commit(batch -> memory.remember(batch, "anna@example.com", "bob@example.org", FRIDAY));
        assertEquals(Optional.of(FRIDAY), lastReply(memory, "anna@example.com", "bob@example.org"));
    }

    @Test
    void instantsKeepMillisecondsOnly() {
        commit(batch -> memory.remember(batch, "anna@example.com", "bob@example.org", MONDAY.plusNanos(456_789)));
        assertEquals(Optional.of(MONDAY), lastReply(memory, "anna@example.com", "bob@example.org"));
    }

    @Test
    void eachAddressHasItsOwnMemory() {
        commit(batch -> memory.remember(batch, "anna@example.com", "bob@example.org", MONDAY));
        assertEquals(Optional.empty(), lastReply(memory, "info@example.com", "bob@example.org"));
        assertEquals(Optional.empty(), lastReply(memory, "anna@example.com", "carl@example.org"));
    }

    @Test
    void forgetRemovesOneAddressOnlyEvenWhenItPrefixesAnother() {
        commit(batch -> {
            memory.remember(batch, "anna@example.co", "bob@example.org", MONDAY);
            memory.remember(batch, "anna@example.co", "carl@example.org", MONDAY);
            memory.remember(batch, "anna@example.com", "bob@example.org", FRIDAY);
            memory.remember(batch, "ann@example.co", "bob@example.org", FRIDAY);
        });
        commit(batch -> memory.forget(batch, "Anna@Example.co"));
        assertEquals(Optional.empty(), lastReply(memory, "anna@example.co", "bob@example.org"));
        assertEquals(Optional.empty(), lastReply(memory, "anna@example.co", "carl@example.org"));
        assertEquals(Optional.of(FRIDAY), lastReply(memory, "anna@example.com", "bob@example.org"));
        assertEquals(Optional.of(FRIDAY), lastReply(memory, "ann@example.co", "bob@example.org"));
    }

    @Test
    void memorySurvivesReopening() {
        commit(batch -> memory.remember(batch, "anna@example.com", "bob@example.org", MONDAY));
        store.close();
        store = TestStores.open(dir, MailboxFamilies.ALL);
        assertEquals(Optional.of(MONDAY), lastReply(new ResponderMemory(store), "anna@example.com", "bob@example.org"));
    }

    /** A store written before the family existed gains it when opened: no migration step is needed. */
    @Test
    void storeMadeBeforeTheFamilyExistedOpensWithIt(@TempDir Path older) throws Exception {
        createWithoutResponderMemory(older);
        try (Store upgraded = TestStores.open(older, MailboxFamilies.ALL)) {
            ResponderMemory upgradedMemory = new ResponderMemory(upgraded);
            StoreBatch batch = new StoreBatch();
            upgradedMemory.remember(batch, "anna@example.com", "bob@example.org", FRIDAY);
            upgraded.commit(batch, Durability.SYNC).toCompletableFuture().join();
            assertEquals(Optional.of(FRIDAY), lastReply(upgradedMemory, "anna@example.com", "bob@example.org"));
        }
    }

    private static void createWithoutResponderMemory(Path directory) throws Exception {
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY));
        for (StoreFamily family : MailboxFamilies.ALL) {
            if (family != MailboxFamilies.RESPONDER_MEMORY) {
                descriptors.add(new ColumnFamilyDescriptor(family.nameBytes()));
            }
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
                RocksDB db = RocksDB.open(options, directory.toString(), descriptors, handles)) {
            handles.forEach(ColumnFamilyHandle::close);
        }
    }

    private void commit(java.util.function.Consumer<StoreBatch> writes) {
        StoreBatch batch = new StoreBatch();
        writes.accept(batch);
        store.commit(batch, Durability.SYNC).toCompletableFuture().join();
    }

    /** Read as the mailbox reads it, on the store's reader thread; the test's thread waits. */
    private static Optional<Instant> lastReply(ResponderMemory memory, String address, String sender) {
        return memory.lastReply(address, sender).toCompletableFuture().join();
    }
}
