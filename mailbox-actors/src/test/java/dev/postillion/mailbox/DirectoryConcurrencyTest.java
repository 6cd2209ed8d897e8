package dev.postillion.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.Store;
import dev.postillion.core.TestStores;
import dev.postillion.mailbox.proto.AddressRecord;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes' directories over one shared store, each with its own writer thread and cache: a
 * change commits only if what it read still holds, else it runs again on what is there now.
 */
class DirectoryConcurrencyTest {

    private static final EmailAddress ANNA = EmailAddress.parse("anna@example.com", false);

    @TempDir Path directory;
    private Store store;
    private DirectoryStore nodeOne;
    private DirectoryStore nodeTwo;

    @BeforeEach
    void open() {
        store = TestStores.open(directory, MailboxFamilies.ALL);
        nodeOne = new DirectoryStore(store, Clock.systemUTC(), 100);
        nodeTwo = new DirectoryStore(store, Clock.systemUTC(), 100);
    }

    @AfterEach
    void close() {
        nodeOne.close();
        nodeTwo.close();
        store.close();
    }

    @Test
    void anAddressCreatedThroughTwoNodesAtOnceIsCreatedOnce() {
        AtomicInteger attempts = new AtomicInteger();
        CompletionException refused = assertThrows(CompletionException.class,
                () -> nodeOne.change(() -> {
                    boolean exists = DirectoryStore.await(nodeOne.address("example.com", "anna")).isPresent();
                    if (attempts.incrementAndGet() == 1) {
                        // Node two creates it between node one's check and its write.
                        DirectoryStore.await(nodeTwo.change(() -> nodeTwo.saveAddress(anna().setTimeZone("Europe/Paris"))));
                    }
                    if (exists) {
                        throw DirectoryException.conflict("address anna@example.com exists already");
                    }
                    return nodeOne.saveAddress(anna().setTimeZone("Asia/Tokyo"));
                }).toCompletableFuture().join());
        assertEquals("address anna@example.com exists already", refused.getCause().getMessage());
        assertEquals(2, attempts.get());
        assertEquals("Europe/Paris", stored().getTimeZone());
    }

    @Test
    void editsOfOneAddressThroughTwoNodesAtOnceAreBothKept() {
        DirectoryStore.await(nodeOne.change(() -> nodeOne.saveAddress(anna())));
        AtomicInteger attempts = new AtomicInteger();
        DirectoryStore.await(nodeOne.changeAddress(ANNA, record -> {
            if (attempts.incrementAndGet() == 1) {
                DirectoryStore.await(nodeTwo.changeAddress(ANNA, other -> other.setTimeZone("Europe/Paris")));
            }
            return record.setDisabled(true);
        }));
        assertEquals(2, attempts.get());
        AddressRecord both = stored();
        assertTrue(both.getDisabled());
        assertEquals("Europe/Paris", both.getTimeZone(), "node two's edit was lost");
    }

    private static AddressRecord.Builder anna() {
        return AddressRecord.newBuilder().setDomain("example.com").setLocalPart("anna");
    }

    private AddressRecord stored() {
        return DirectoryStore.await(nodeTwo.change(() -> DirectoryStore.await(nodeTwo.address("example.com", "anna"))))
                .orElseThrow();
    }
}
