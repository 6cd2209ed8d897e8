package dev.postillion.core;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * ARCHITECTURE rules 1 and 2 made checkable: in the test JVMs of the modules whose code runs on
 * event loops and dispatchers, BlockHound (installed for every test by
 * {@code blockhound-junit-platform}, finding this class through {@code META-INF/services}) fails a
 * blocking call on such a thread with a {@code BlockingOperationError}.
 *
 * <p>Netty's own integration marks its event loops. This one adds the Pekko default dispatcher,
 * where the actors run (the SMTP sessions run on the event loops themselves, see the mta's
 * {@code EventLoopDispatchers}), and marks RocksDB's reads as blocking: a miss in the block cache
 * reads the disk, so a store read belongs on the store's reader threads only. Waiting on a future
 * (a park) is blocking already in BlockHound's defaults.
 */
public final class BlockingCallDetector implements BlockHoundIntegration {

    /** Pekko names a dispatcher's threads {@code <system>-<dispatcher id>-<n>}. */
    private static final String ACTOR_DISPATCHER = "pekko.actor.default-dispatcher";

    @Override
    public void applyTo(BlockHound.Builder builder) {
        readOnceBeforeTheTests();
        builder.nonBlockingThreadPredicate(current -> current.or(
                thread -> thread.getName().contains(ACTOR_DISPATCHER)));
        builder.markAsBlocking("org.rocksdb.RocksDB", "get", "(Lorg/rocksdb/ColumnFamilyHandle;[B)[B");
        builder.markAsBlocking("org.rocksdb.AbstractRocksIterator", "seek", "([B)V");
        builder.markAsBlocking("org.rocksdb.AbstractRocksIterator", "next", "()V");
        // Waiting for a store read is blocking even when the value happens to be cached: so a wait
        // on an event loop or an actor fails every time, not only when the disk is slow.
        builder.markAsBlocking("dev.postillion.core.Store", "await",
                "(Ljava/util/concurrent/CompletionStage;)Ljava/lang/Object;");
        builder.markAsBlocking("dev.postillion.mailbox.DirectoryStore", "await",
                "(Ljava/util/concurrent/CompletionStage;)Ljava/lang/Object;");
        // An idle dispatcher thread parks in its pool until work arrives: that is not a task blocking.
        builder.allowBlockingCallsInside("java.util.concurrent.ForkJoinPool", "awaitWork");
        // ... and on Java 25 first spins a little in deactivate, between two tasks.
        builder.allowBlockingCallsInside("java.util.concurrent.ForkJoinPool", "deactivate");
        // Submitting to a pool (the store's readers) from a thread new to it installs a submission
        // queue under the pool's run-state lock, which on Java 25 sleeps a few nanoseconds at a
        // time when contended: a spin lock held for an instant, once per thread.
        builder.allowBlockingCallsInside("java.util.concurrent.ForkJoinPool", "spinLockRunState");
        // Handing a task to a thread pool (the password hashers, the import dispatcher's
        // thread-pool-executor) offers it to the pool's queue under a lock the queue holds for a
        // few instructions; execute never waits for room (a full pool rejects), so its only park
        // is that lock, contended for an instant by another producer or a worker's take.
        builder.allowBlockingCallsInside("java.util.concurrent.ThreadPoolExecutor", "execute");
        // A test probe's actor hands each message to the test's thread through a blocking deque,
        // whose lock the test's poll holds for an instant: the test kit's, not an actor's wait.
        builder.allowBlockingCallsInside("org.apache.pekko.actor.testkit.typed.internal.TestProbeImpl$",
                "$anonfun$testActor$1");
        // Tests log to the console; the appender's write and lock are the test harness's, not ours.
        builder.allowBlockingCallsInside("ch.qos.logback.core.OutputStreamAppender", "subAppend");
        // The first logger of the JVM sets logging up, reading logback's configuration.
        builder.allowBlockingCallsInside("org.slf4j.LoggerFactory", "performInitialization");
        // An actor system's termination waits for its scheduler to stop: Pekko's shutdown, not an actor.
        builder.allowBlockingCallsInside("org.apache.pekko.actor.ActorSystemImpl", "stopScheduler");
        // A message to an actor still starting takes a lock Pekko holds for the moment of its start;
        // so does stopping it (a stream that completes at once stops its interpreter actor).
        builder.allowBlockingCallsInside("org.apache.pekko.actor.UnstartedCell", "sendMessage");
        builder.allowBlockingCallsInside("org.apache.pekko.actor.UnstartedCell", "sendSystemMessage");
        // An actor that stashes (sharding's coordinator) has a deque for a mailbox, whose lock is
        // held for an instant per message: Pekko's delivery, not an actor waiting.
        for (String queueing : new String[] {"enqueue", "enqueueFirst", "dequeue"}) {
            builder.allowBlockingCallsInside("org.apache.pekko.dispatch.UnboundedDequeBasedMessageQueue", queueing);
        }
        // Random numbers (DNS query ids, tokens) read /dev/urandom, which never waits.
        builder.allowBlockingCallsInside("java.security.SecureRandom", "nextBytes");
        // Loading a class, or a service list (Pekko's logger, the JDK's providers), reads its jar
        // once per JVM; it is not a wait the code chose.
        builder.allowBlockingCallsInside("java.lang.ClassLoader", "loadClass");
        builder.allowBlockingCallsInside("java.util.ServiceLoader$LazyClassPathLookupIterator", "parse");
    }

    /**
     * The JDK reads its list of distrusted certificates in a static initializer, at the first
     * certificate path check, which can be on an event loop (a DANE-TA chain). That one-time read
     * is done here, on the test's own thread. (Allowing it by name cannot work on every JDK: Java 17
     * reads it in a privileged action, later ones in the initializer itself.)
     */
    private static void readOnceBeforeTheTests() {
        try {
            Class.forName("sun.security.util.UntrustedCertificates", true, ClassLoader.getSystemClassLoader());
        } catch (ClassNotFoundException e) {
            // Another JDK: whatever it reads instead is then caught, and named by the failing test.
        }
    }
}
