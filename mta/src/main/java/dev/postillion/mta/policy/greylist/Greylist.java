package dev.postillion.mta.policy.greylist;

import dev.postillion.admin.GreylistAdmin;
import dev.postillion.core.EmailAddress;
import dev.postillion.core.Keys;
import dev.postillion.core.Store;
import dev.postillion.core.Store.Durability;
import dev.postillion.core.StoreBatch;
import dev.postillion.core.StoreFamily;
import dev.postillion.core.proto.TripletRecord;
import dev.postillion.mta.smtp.ClientNetworks;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;

/**
 * Greylisting (SPEC section 4): decides whether an attempt is let through or deferred with
 * {@code 451 4.7.1}. Allow-listed clients and sender domains (settings and the operator's
 * entries) and auto-whitelisted networks pass at once; anything else is up to the
 * {@link GreylistTriplet} of the attempt, reached through Cluster Sharding.
 */
public final class Greylist implements GreylistAdmin {

    private static final String ALLOW = "a/";
    private static final String TRIPLETS = "t/";
    private static final int MAX_ALLOW_ENTRIES = 10_000;

    private final Store store;
    private final ClusterSharding sharding;
    private final GreylistSettings settings;
    private final Duration askTimeout;

    private Greylist(Store store, ClusterSharding sharding, GreylistSettings settings, Duration askTimeout) {
        this.store = store;
        this.sharding = sharding;
        this.settings = settings;
        this.askTimeout = askTimeout;
    }

    /** Starts the sharding regions of triplets and networks on this node. */
    public static Greylist start(ActorSystem<?> system, Store store, Clock clock, GreylistSettings settings) {
        ClusterSharding sharding = ClusterSharding.get(system);
        sharding.init(Entity.of(GreylistNetwork.TYPE_KEY, ctx -> GreylistNetwork.create(ctx.getEntityId(), store, clock))
                .withStopMessage(new GreylistNetwork.Passivate()));
        sharding.init(Entity.of(GreylistTriplet.TYPE_KEY, ctx -> GreylistTriplet.create(ctx.getEntityId(), store,
                        clock, settings, sharding.entityRefFor(GreylistNetwork.TYPE_KEY,
                                Triplet.fromKey(ctx.getEntityId()).network())))
                .withStopMessage(new GreylistTriplet.Passivate()));
        return new Greylist(store, sharding, settings, Duration.ofSeconds(10));
    }

    /**
     * Whether an attempt of {@code sender} to {@code recipient} from {@code client} passes. Fails
     * (the caller answers 451 4.3.0) only when the triplet's actor does not answer in time.
     */
    public CompletionStage<GreylistTriplet.Verdict> check(InetAddress client, Optional<EmailAddress> sender,
            EmailAddress recipient) {
        Triplet triplet = Triplet.of(client, sender, recipient);
        Optional<String> exempt = exemption(client, triplet);
        if (exempt.isPresent()) {
            return CompletableFuture.completedFuture(new GreylistTriplet.Verdict(true, exempt.get()));
        }
        return sharding.entityRefFor(GreylistTriplet.TYPE_KEY, triplet.key())
                .ask(GreylistTriplet.Check::new, askTimeout);
    }

    public boolean enabled() {
        return settings.enabled();
    }

    /** Why the attempt is not greylisted at all, if it is not. */
    private Optional<String> exemption(InetAddress client, Triplet triplet) {
        if (settings.allowNetworks().contains(client)) {
            return Optional.of("client in postillion.greylist.allow-networks");
        }
        String domain = triplet.senderDomain();
        if (settings.allowDomains().contains(domain)) {
            return Optional.of("sender domain in postillion.greylist.allow-domains");
        }
        for (Allowed allowed : allowed()) {
            if (allowed.kind().equals("domain") ? allowed.value().equals(domain)
                    : ClientNetworks.parse(List.of(allowed.value())).contains(client)) {
                return Optional.of("allowed by the operator: " + allowed.key());
            }
        }
        byte[] network = store.get(StoreFamily.GREYLIST, GreylistNetwork.networkStoreKey(triplet.network()));
        if (GreylistNetwork.read(network).getPasses() >= settings.autoWhitelist()) {
            return Optional.of("network " + triplet.network() + " auto-whitelisted");
        }
        return Optional.empty();
    }

    // --- the operator's view (GET /api/v1/greylist ...) ---

    @Override
    public List<Entry> triplets(Optional<String> after, int limit) {
        // The smallest key after "t/<after>" is "t/<after>" followed by 0x00.
        byte[] from = utf8(TRIPLETS + after.map(key -> key + "\u0000").orElse(""));
        byte[] to = Keys.prefixEnd(utf8(TRIPLETS));
        return store.range(StoreFamily.GREYLIST, from, to, limit).stream()
                .map(entry -> tripletOf(text(entry.key()).substring(TRIPLETS.length()),
                        GreylistTriplet.read(entry.value())))
                .toList();
    }

    private static Entry tripletOf(String key, TripletRecord record) {
        Triplet parts = Triplet.fromKey(key);
        return new Entry(key, parts.network(), parts.sender(), parts.recipient(),
                Instant.ofEpochMilli(record.getFirstSeenEpochMillis()),
                Instant.ofEpochMilli(record.getLastSeenEpochMillis()), record.getPassed());
    }

    @Override
    public List<Allowed> allowed() {
        return store.prefix(StoreFamily.GREYLIST, utf8(ALLOW), MAX_ALLOW_ENTRIES).stream()
                .map(entry -> allowedOf(text(entry.key()).substring(ALLOW.length())))
                .toList();
    }

    private static Allowed allowedOf(String key) {
        int colon = key.indexOf(':');
        return new Allowed(key, key.substring(0, colon), key.substring(colon + 1));
    }

    @Override
    public CompletionStage<Allowed> allow(String kind, String value) {
        String canonical = switch (kind) {
            case "network" -> {
                ClientNetworks.parse(List.of(value));
                yield value.toLowerCase(Locale.ROOT);
            }
            case "domain" -> {
                EmailAddress.checkDomain(value, true);
                yield value.toLowerCase(Locale.ROOT);
            }
            default -> throw new IllegalArgumentException("kind must be network or domain, not " + kind);
        };
        Allowed allowed = allowedOf(kind + ":" + canonical);
        return store.commit(new StoreBatch().put(StoreFamily.GREYLIST, utf8(ALLOW + allowed.key()), new byte[0]),
                Durability.SYNC).thenApply(done -> allowed);
    }

    @Override
    public CompletionStage<Boolean> delete(String key) {
        if (key.startsWith("network:") || key.startsWith("domain:")) {
            byte[] storeKey = utf8(ALLOW + key);
            if (store.get(StoreFamily.GREYLIST, storeKey) == null) {
                return CompletableFuture.completedFuture(false);
            }
            return store.commit(new StoreBatch().delete(StoreFamily.GREYLIST, storeKey), Durability.SYNC)
                    .thenApply(done -> true);
        }
        Triplet.fromKey(key);
        if (store.get(StoreFamily.GREYLIST, GreylistTriplet.tripletStoreKey(key)) == null) {
            return CompletableFuture.completedFuture(false);
        }
        return sharding.entityRefFor(GreylistTriplet.TYPE_KEY, key)
                .ask(GreylistTriplet.Forget::new, askTimeout)
                .thenApply(done -> true);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] key) {
        return new String(key, StandardCharsets.UTF_8);
    }
}
