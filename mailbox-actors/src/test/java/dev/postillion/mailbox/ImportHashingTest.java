package dev.postillion.mailbox;

import dev.postillion.queue.SpoolFamilies;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.core.MutableClock;
import dev.postillion.core.Store;
import dev.postillion.core.TestStores;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, defect 18: an import over the quota hashed every password before it was refused, on
 * the threads SMTP AUTH checks logins on. The import's hashing threads are the test's here, so
 * that it can count the hashes and hold them.
 */
class ImportHashingTest {

    private static final String PASSWORD = "secret-password";

    @TempDir Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final ExecutorService importThread = Executors.newSingleThreadExecutor();
    private final AtomicInteger hashes = new AtomicInteger();
    private Store store;
    private Directory directory;

    @BeforeEach
    void open() {
        store = TestStores.open(dir, MailboxFamilies.ALL, SpoolFamilies.ALL);
        PasswordHash.Cost cost = new PasswordHash.Cost(64, 1, 1);
        ExecutorService counted = new AbstractExecutorService() {
            @Override public void execute(Runnable task) {
                hashes.incrementAndGet();
                importThread.execute(task);
            }
            @Override public void shutdown() { importThread.shutdown(); }
            @Override public List<Runnable> shutdownNow() { return importThread.shutdownNow(); }
            @Override public boolean isShutdown() { return importThread.isShutdown(); }
            @Override public boolean isTerminated() { return importThread.isTerminated(); }
            @Override public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
                return importThread.awaitTermination(timeout, unit);
            }
        };
        directory = new Directory(store, clock,
                new Directory.Settings(8, cost, 50, 20, 50, Duration.ofHours(24), 1000), new Passwords(8, cost, counted));
        join(directory.createDomain("example.com"));
    }

    @AfterEach
    void close() {
        directory.close();
        store.close();
    }

    @Test
    void anImportOverTheQuotaIsRefusedWithoutHashingAPassword() {
        AddressImport.Result refused = join(directory.imports().run("example.com", lines(2_000)));
        assertTrue(refused.limited());
        assertEquals(50, refused.remaining());
        assertEquals(0, hashes.get(), "passwords hashed for an import that creates nothing");
        assertTrue(join(directory.addresses("example.com")).isEmpty());
    }

    @Test
    void anImportWithinTheQuotaHashesOnlyTheLinesItCreates() {
        List<AddressImport.Line> lines = new ArrayList<>(lines(3));
        lines.add(new AddressImport.Line(5, "weak", "password", List.of(), false));
        lines.add(new AddressImport.Line(6, "bad..name", "Tr4vel-light", List.of(), false));
        AddressImport.Result result = join(directory.imports().run("example.com", lines));
        assertFalse(result.limited());
        assertEquals(List.of(true, true, true, false, false),
                result.lines().stream().map(AddressImport.Outcome::created).toList());
        assertEquals(3, hashes.get());
        assertEquals(47, result.remaining());
    }

    /** Logins are checked on threads of their own: answered while every import thread is busy. */
    @Test
    void loginsAreCheckedWhileAnImportHashes() throws Exception {
        join(directory.createAddress("example.com", "anna", PASSWORD, Address.Type.MAILBOX));
        CountDownLatch release = new CountDownLatch(1);
        importThread.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        CompletableFuture<AddressImport.Result> importing =
                directory.imports().run("example.com", lines(40)).toCompletableFuture();
        try {
            assertTrue(directory.authenticate("anna@example.com", PASSWORD).toCompletableFuture()
                    .get(30, TimeUnit.SECONDS).isPresent(), "the login is answered while the import waits to hash");
            assertFalse(importing.isDone());
        } finally {
            release.countDown();
        }
        assertEquals(40, importing.get(30, TimeUnit.SECONDS).lines().stream()
                .filter(AddressImport.Outcome::created).count());
    }

    private static List<AddressImport.Line> lines(int count) {
        List<AddressImport.Line> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(new AddressImport.Line(i + 2, "user" + i, "Tr4vel-light", List.of(), false));
        }
        return lines;
    }

    private static <T> T join(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }
}
