package dev.postillion.mta;

import dev.postillion.mailbox.MailboxFamilies;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.postillion.core.Store;
import dev.postillion.core.StoreBatch;
import dev.postillion.core.TestStores;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.blockhound.BlockingOperationError;

/**
 * The tests' detector of blocking calls (mail-core's test {@code BlockingCallDetector}) is on and
 * catches a store read waited for on an event loop or an actor's thread, every time (a wait is
 * blocking even when the read is quick), while the asynchronous read passes: otherwise the rest of
 * the suite proves nothing about ARCHITECTURE rules 1 and 2.
 */
class BlockingCallDetectorTest {

    private static final byte[] KEY = "domain/example.test".getBytes(StandardCharsets.UTF_8);

    @TempDir Path directory;
    private Store store;
    private EventLoopGroup loops;

    @BeforeEach
    void open() {
        store = TestStores.open(directory, Node.storeFamilies());
        store.commit(new StoreBatch().put(MailboxFamilies.DIRECTORY, KEY, KEY), Store.Durability.SYNC)
                .toCompletableFuture().join();
        loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterEach
    void close() {
        loops.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        store.close();
    }

    @Test
    void waitingForAStoreReadOnAnEventLoopFails() {
        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> loops.submit(() -> store.readBlocking(MailboxFamilies.DIRECTORY, KEY)).get(30, TimeUnit.SECONDS));
        assertInstanceOf(BlockingOperationError.class, failure.getCause());
    }

    @Test
    void anAsynchronousStoreReadOnAnEventLoopPasses() throws Exception {
        CompletableFuture<Optional<byte[]>> read = new CompletableFuture<>();
        loops.execute(() -> store.read(MailboxFamilies.DIRECTORY, KEY).whenComplete((value, failure) -> {
            if (failure != null) {
                read.completeExceptionally(failure);
            } else {
                read.complete(value);
            }
        }));
        assertArrayEquals(KEY, read.get(30, TimeUnit.SECONDS).orElseThrow());
    }

    @Test
    void waitingForAStoreReadInAnActorFails() throws Exception {
        ActorTestKit testKit = ActorTestKit.create();
        try {
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            testKit.spawn(Behaviors.setup(context -> {
                try {
                    store.readBlocking(MailboxFamilies.DIRECTORY, KEY);
                    outcome.complete(null);
                } catch (Throwable e) {
                    outcome.complete(e);
                }
                return Behaviors.empty();
            }));
            assertInstanceOf(BlockingOperationError.class, outcome.get(30, TimeUnit.SECONDS));
        } finally {
            testKit.shutdownTestKit();
        }
    }
}
