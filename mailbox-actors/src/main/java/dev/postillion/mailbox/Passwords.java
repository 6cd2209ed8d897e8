package dev.postillion.mailbox;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Hashing and checking of address passwords ({@link PasswordHash}) on threads of their own:
 * Argon2id is deliberately slow and memory-hard, so it never runs on an actor, I/O or
 * directory-writer thread. Hashing new passwords (address creation, bulk import) and checking
 * logins (SMTP AUTH) have separate threads (issue 12, defect 18): a large import waits for its
 * half of the cores, one thread at least, while logins keep one thread per core of their own and
 * are answered meanwhile.
 */
final class Passwords implements AutoCloseable {

    private final int minimumLength;
    private final PasswordHash.Cost cost;
    /** Checked against when there is no hash to check: an unknown user takes as long as a known one. */
    private final String standIn;
    private final ExecutorService hashing;
    private final ExecutorService checking = threads("password-checking", Runtime.getRuntime().availableProcessors());

    Passwords(int minimumLength, PasswordHash.Cost cost) {
        this(minimumLength, cost, threads("password-hashing", Math.max(1, Runtime.getRuntime().availableProcessors() / 2)));
    }

    /** With {@code hashing} threads of the caller's: tests count and hold the hashes. */
    Passwords(int minimumLength, PasswordHash.Cost cost, ExecutorService hashing) {
        this.minimumLength = minimumLength;
        this.cost = cost;
        this.hashing = hashing;
        this.standIn = PasswordHash.of(UUID.randomUUID().toString(), cost);
    }

    /**
     * A fixed pool whose queue takes work without a lock (a fixed thread pool's queue locks, and a
     * contended lock would park the event loop or actor that asks for a hash), its threads
     * started at once, so that submitting never takes the pool's own lock to add one either.
     */
    static ExecutorService threads(String name, int count) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(count, count, 0, TimeUnit.MILLISECONDS,
                new LinkedTransferQueue<>(), r -> {
                    Thread thread = new Thread(r, name);
                    thread.setDaemon(true);
                    return thread;
                });
        pool.prestartAllCoreThreads();
        return pool;
    }

    /** The hash of a new address's password; fails INVALID, with the reason, for a weak one. */
    CompletionStage<String> hash(String password, String localPart) {
        return CompletableFuture.supplyAsync(() -> {
            checkStrength(password, localPart);
            return PasswordHash.of(password, cost);
        }, hashing);
    }

    /**
     * The hash of a password this node generated (an app password): strong by construction, so not
     * checked against the rules for a person's.
     */
    CompletionStage<String> hashGenerated(String password) {
        return CompletableFuture.supplyAsync(() -> PasswordHash.of(password, cost), hashing);
    }

    /** Refuses a weak password (SPEC section 1) with the reason, on the caller's thread. */
    void checkStrength(String password, String localPart) {
        AddressRules.checkPassword(password, minimumLength, localPart);
    }

    /**
     * Whether {@code password} is the one {@code encoded} was made from; with no hash (no such
     * user), false after the same work, so that the answer's timing tells nothing.
     */
    CompletionStage<Boolean> matches(String password, Optional<String> encoded) {
        return CompletableFuture.supplyAsync(() -> PasswordHash.matches(password, encoded.orElse(standIn))
                && encoded.isPresent(), checking);
    }

    @Override
    public void close() {
        hashing.shutdown();
        checking.shutdown();
    }
}
