package dev.postillion.mta.policy.greylist;

import dev.postillion.mta.policy.PolicyFamilies;
import dev.postillion.core.Keys;
import dev.postillion.core.Store;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what greylisting no longer needs (SPEC section 4: entries expire after {@code max-age}
 * unseen): triplets unseen for that long and networks whose auto-whitelist count has lapsed, as
 * postgrey's nightly clean-up does. Without it the store would keep every triplet ever seen.
 *
 * <p>The store is read a page at a time; each expired record is removed by its own actor (an
 * {@code Expire} message), which stays the only writer of its record and checks the age again, so
 * an attempt racing the sweep is never lost. A page's actors answer before the next page is read.
 */
final class GreylistSweep {

    private static final int PAGE = 500;
    private static final Logger LOG = LoggerFactory.getLogger(GreylistSweep.class);

    private final Store store;
    private final ClusterSharding sharding;
    private final Clock clock;
    private final Duration maxAge;
    private final Duration askTimeout;
    /** Where the store's pages are read: never an actor's or the scheduler's thread. */
    private final Executor blocking;

    GreylistSweep(Store store, ClusterSharding sharding, Clock clock, Duration maxAge, Duration askTimeout,
            Executor blocking) {
        this.store = store;
        this.sharding = sharding;
        this.clock = clock;
        this.maxAge = maxAge;
        this.askTimeout = askTimeout;
        this.blocking = blocking;
    }

    /** Runs one sweep; completes with how many records were found expired and handed to their actors. */
    CompletionStage<Integer> run() {
        long now = clock.millis();
        Predicate<byte[]> tripletExpired = value ->
                now - GreylistTriplet.read(value).getLastSeenEpochMillis() > maxAge.toMillis();
        Predicate<byte[]> networkLapsed = value -> GreylistNetwork.lapsed(GreylistNetwork.read(value), now, maxAge);
        return CompletableFuture.completedFuture(0)
                .thenComposeAsync(none -> sweep(GreylistTriplet.KEY_PREFIX, tripletExpired, GreylistTriplet.TYPE_KEY,
                        GreylistTriplet.Expire::new, null, 0), blocking)
                .thenComposeAsync(triplets -> sweep(GreylistNetwork.KEY_PREFIX, networkLapsed,
                        GreylistNetwork.TYPE_KEY, GreylistNetwork.Expire::new, null, triplets), blocking);
    }

    /** Sweeps the records under {@code prefix} from the key after {@code after}, a page at a time. */
    private <C> CompletionStage<Integer> sweep(String prefix, Predicate<byte[]> expired, EntityTypeKey<C> type,
            Function<ActorRef<Done>, C> expire, byte[] after, int found) {
        byte[] start = utf8(prefix);
        byte[] from = after == null ? start : Keys.successor(after);
        return store.range(PolicyFamilies.GREYLIST, from, Keys.prefixEnd(start), PAGE)
                .thenComposeAsync(page -> expirePage(prefix, expired, type, expire, page, found), blocking);
    }

    private <C> CompletionStage<Integer> expirePage(String prefix, Predicate<byte[]> expired, EntityTypeKey<C> type,
            Function<ActorRef<Done>, C> expire, List<Store.KeyValue> page, int found) {
        List<CompletableFuture<Done>> expiring = page.stream()
                .filter(entry -> expired(expired, entry))
                .map(entry -> sharding.entityRefFor(type, entityId(prefix, entry.key()))
                        .ask(expire::apply, askTimeout).toCompletableFuture()
                        // One actor that does not answer leaves its record for the next sweep;
                        // the others are swept all the same.
                        .exceptionally(failure -> Done.getInstance()))
                .toList();
        int total = found + expiring.size();
        CompletableFuture<Void> answered = CompletableFuture.allOf(expiring.toArray(CompletableFuture[]::new));
        if (page.size() < PAGE) {
            return answered.thenApply(done -> total);
        }
        byte[] last = page.get(page.size() - 1).key();
        return answered.thenComposeAsync(done -> sweep(prefix, expired, type, expire, last, total), blocking);
    }

    /** A record that cannot be read is logged and left: it must not stop every sweep at its page. */
    private static boolean expired(Predicate<byte[]> expired, Store.KeyValue entry) {
        try {
            return expired.test(entry.value());
        } catch (RuntimeException e) {
            LOG.warn("greylist sweep skipped {}: {}", new String(entry.key(), StandardCharsets.UTF_8), e.getMessage());
            return false;
        }
    }

    private static String entityId(String prefix, byte[] key) {
        return new String(key, prefix.length(), key.length - prefix.length(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
