package dev.postillion.mta.login;

import dev.postillion.core.Store;
import dev.postillion.core.Store.Durability;
import dev.postillion.core.StoreBatch;
import dev.postillion.mta.policy.PolicyFamilies;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletionStage;

/**
 * The client networks locked out of SMTP AUTH, kept in the shared store so that a lockout one node
 * decides holds on every node of the cluster, whichever the guesser connects to next ({@link
 * AuthThrottle} counts the attempts on each node). A record holds the end of the lockout; one read
 * after its end deletes it.
 */
public final class AuthLockouts {

    private final Store store;
    private final Clock clock;

    public AuthLockouts(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Whether {@code client} is locked out now, completed on the store's reader thread. */
    public CompletionStage<Boolean> lockedOut(String client) {
        return store.read(PolicyFamilies.AUTH_LOCKOUTS, key(client)).thenApply(until -> {
            if (until.isEmpty()) {
                return false;
            }
            if (clock.millis() < ByteBuffer.wrap(until.get()).getLong()) {
                return true;
            }
            store.commit(new StoreBatch().expect(PolicyFamilies.AUTH_LOCKOUTS, key(client), until.get())
                    .delete(PolicyFamilies.AUTH_LOCKOUTS, key(client)), Durability.BUFFERED);
            return false;
        });
    }

    /** Locks {@code client} out until {@code until}, for every node. */
    public CompletionStage<Void> lockOut(String client, Instant until) {
        return store.commit(new StoreBatch().put(PolicyFamilies.AUTH_LOCKOUTS, key(client),
                ByteBuffer.allocate(Long.BYTES).putLong(until.toEpochMilli()).array()), Durability.BUFFERED);
    }

    private static byte[] key(String client) {
        return client.getBytes(StandardCharsets.UTF_8);
    }
}
