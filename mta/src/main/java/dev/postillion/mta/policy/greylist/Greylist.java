package dev.postillion.mta.policy.greylist;

import dev.postillion.mta.policy.PolicyFamilies;
import dev.postillion.admin.GreylistAdmin;
import dev.postillion.core.EmailAddress;
import dev.postillion.core.Keys;
import dev.postillion.core.Store;
import dev.postillion.core.Store.Durability;
import dev.postillion.core.StoreBatch;
import dev.postillion.mta.policy.greylist.proto.NetworkRecord;
import dev.postillion.mta.policy.greylist.proto.TripletRecord;
import dev.postillion.mta.net.ClientNetworks;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Greylisting (SPEC section 4): decides whether an attempt is let through or deferred with
 * {@code 451 4.7.1}. Allow-listed clients and sender domains (settings and the operator's
 * entries) and auto-whitelisted networks pass at once; anything else is up to the
 * {@link GreylistTriplet} of the attempt, reached through Cluster Sharding.
 *
 * <p>{@link #check} runs on the SMTP session's thread, so it reads no more than one record of the
 * store: the operator's allow entries are held in memory, pre-parsed, as a snapshot of this node.
 * {@link #allow} and {@link #delete} on this node replace the snapshot before they complete; an
 * entry added or removed through another node's API is seen here once the snapshot is older than
 * {@link #ALLOW_REFRESH} and has been reloaded, which a check starts in the background (the check
 * itself goes on with the snapshot it has).
 */
public final class Greylist implements GreylistAdmin {

    private static final String ALLOW = "a/";
    private static final String TRIPLETS = GreylistTriplet.KEY_PREFIX;
    private static final int MAX_ALLOW_ENTRIES = 10_000;
    /** How old the snapshot of allow entries may grow before a check has it reloaded. */
    static final Duration ALLOW_REFRESH = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(Greylist.class);

    private final Store store;
    private final ClusterSharding sharding;
    private final Clock clock;
    private final GreylistSettings settings;
    private final Duration askTimeout;
    /** Where the store is read for a new snapshot: never the thread of a check. */
    private final Executor blocking;
    private final AtomicReference<AllowList> allowList = new AtomicReference<>();
    private final AtomicBoolean reloading = new AtomicBoolean();
    private final AtomicBoolean sweeping = new AtomicBoolean();

    private final GreylistSweep sweep;

    private Greylist(Store store, ClusterSharding sharding, Clock clock, GreylistSettings settings,
            Duration askTimeout, Executor blocking) {
        this.store = store;
        this.sharding = sharding;
        this.clock = clock;
        this.settings = settings;
        this.askTimeout = askTimeout;
        this.blocking = blocking;
        this.sweep = new GreylistSweep(store, sharding, clock, settings.maxAge(), askTimeout, blocking);
        reloadAllowList();
    }

    /**
     * The operator's allow entries as read at {@code loadedNanos} ({@link System#nanoTime()}).
     *
     * @param networks the network entries, each with its key
     * @param anyNetwork all of {@code networks} in one, to rule out most clients at once
     * @param domains the domain entries' values
     */
    private record AllowList(List<AllowedNetwork> networks, ClientNetworks anyNetwork, Set<String> domains,
            long loadedNanos) {

        static AllowList of(List<Allowed> entries, long loadedNanos) {
            List<AllowedNetwork> networks = new ArrayList<>();
            List<String> values = new ArrayList<>();
            Set<String> domains = new HashSet<>();
            for (Allowed entry : entries) {
                if (entry.kind().equals("domain")) {
                    domains.add(entry.value());
                    continue;
                }
                try {
                    networks.add(new AllowedNetwork(entry.key(), ClientNetworks.parse(List.of(entry.value()))));
                    values.add(entry.value());
                } catch (IllegalArgumentException e) {
                    LOG.warn("greylist allow entry {} ignored: {}", entry.key(), e.getMessage());
                }
            }
            return new AllowList(List.copyOf(networks), ClientNetworks.parse(values), Set.copyOf(domains),
                    loadedNanos);
        }

        /** The key of the entry that allows the attempt, if one does. */
        Optional<String> allowing(InetAddress client, String senderDomain) {
            if (domains.contains(senderDomain)) {
                return Optional.of("domain:" + senderDomain);
            }
            if (!anyNetwork.contains(client)) {
                return Optional.empty();
            }
            return networks.stream().filter(network -> network.network().contains(client))
                    .map(AllowedNetwork::key).findFirst();
        }
    }

    private record AllowedNetwork(String key, ClientNetworks network) {}

    /**
     * Reads the allow entries from the store into a new snapshot, waiting for the read: on the
     * blocking dispatcher, or at the node's start, never on a session's thread. Synchronized:
     * snapshots are replaced in the order they were read, so the last one holds every change
     * committed before.
     */
    private synchronized void reloadAllowList() {
        List<Store.KeyValue> entries = store.prefixBlocking(PolicyFamilies.GREYLIST, utf8(ALLOW), MAX_ALLOW_ENTRIES);
        allowList.set(AllowList.of(allowedOf(entries), System.nanoTime()));
    }

    /** The snapshot of allow entries; when it is old, a reload starts in the background. */
    private AllowList allowList() {
        AllowList current = allowList.get();
        boolean old = System.nanoTime() - current.loadedNanos() > ALLOW_REFRESH.toNanos();
        if (old && reloading.compareAndSet(false, true)) {
            try {
                CompletableFuture.runAsync(this::reloadAllowList, blocking).whenComplete((done, failure) -> {
                    reloading.set(false);
                    if (failure != null) {
                        LOG.warn("reloading the greylist allow entries failed: {}", failure.getMessage());
                    }
                });
            } catch (RuntimeException e) {
                reloading.set(false);
                LOG.warn("reloading the greylist allow entries could not start: {}", e.getMessage());
            }
        }
        return current;
    }

    /** Starts the sharding regions of triplets and networks on this node. */
    public static Greylist start(ActorSystem<?> system, Store store, Clock clock, GreylistSettings settings) {
        ClusterSharding sharding = ClusterSharding.get(system);
        sharding.init(Entity.of(GreylistNetwork.TYPE_KEY,
                        ctx -> GreylistNetwork.create(ctx.getEntityId(), store, clock, settings.maxAge()))
                .withStopMessage(new GreylistNetwork.Passivate()));
        sharding.init(Entity.of(GreylistTriplet.TYPE_KEY, ctx -> GreylistTriplet.create(ctx.getEntityId(), store,
                        clock, settings, sharding.entityRefFor(GreylistNetwork.TYPE_KEY,
                                Triplet.fromKey(ctx.getEntityId()).network())))
                .withStopMessage(new GreylistTriplet.Passivate()));
        Greylist greylist = new Greylist(store, sharding, clock, settings, Duration.ofSeconds(10),
                system.dispatchers().lookup(DispatcherSelector.blocking()));
        Duration every = settings.sweepInterval();
        system.scheduler().scheduleWithFixedDelay(every, every, greylist::sweep, system.executionContext());
        return greylist;
    }

    /**
     * Removes the triplets unseen for {@code max-age} and the lapsed auto-whitelist counts; run
     * every {@code sweep-interval}.
     */
    private void sweep() {
        if (!sweeping.compareAndSet(false, true)) {
            return;
        }
        sweep.run().whenComplete((expired, failure) -> {
            sweeping.set(false);
            if (failure != null) {
                LOG.warn("greylist sweep failed: {}", failure.toString());
            } else if (expired > 0) {
                LOG.info("greylist sweep: {} expired entries removed", expired);
            }
        });
    }

    /**
     * Whether an attempt of {@code sender} to {@code recipient} from {@code client} passes. Fails
     * (the caller answers 451 4.3.0) only when the triplet's actor does not answer in time.
     */
    public CompletionStage<GreylistTriplet.Verdict> check(InetAddress client, Optional<EmailAddress> sender,
            EmailAddress recipient) {
        Triplet triplet = Triplet.of(client, sender, recipient);
        return exemption(client, triplet).thenCompose(exempt -> exempt.isPresent()
                ? CompletableFuture.completedFuture(new GreylistTriplet.Verdict(true, exempt.get()))
                : sharding.entityRefFor(GreylistTriplet.TYPE_KEY, triplet.key())
                        .ask(GreylistTriplet.Check::new, askTimeout));
    }

    public boolean enabled() {
        return settings.enabled();
    }

    /**
     * Why the attempt is not greylisted at all, if it is not: from the settings and the snapshot of
     * allow entries at once, and for the auto-whitelist from one network record, read on the
     * store's reader threads.
     */
    private CompletionStage<Optional<String>> exemption(InetAddress client, Triplet triplet) {
        if (settings.allowNetworks().contains(client)) {
            return exempt("client in postillion.greylist.allow-networks");
        }
        String domain = triplet.senderDomain();
        if (settings.allowDomains().contains(domain)) {
            return exempt("sender domain in postillion.greylist.allow-domains");
        }
        Optional<String> allowing = allowList().allowing(client, domain);
        if (allowing.isPresent()) {
            return exempt("allowed by the operator: " + allowing.get());
        }
        if (settings.autoWhitelist() == 0) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return store.read(PolicyFamilies.GREYLIST, GreylistNetwork.networkStoreKey(triplet.network())).thenApply(value -> {
            NetworkRecord network = GreylistNetwork.read(value.orElse(null));
            return network.getPasses() >= settings.autoWhitelist()
                    && !GreylistNetwork.lapsed(network, clock.millis(), settings.maxAge())
                    ? Optional.of("network " + triplet.network() + " auto-whitelisted") : Optional.empty();
        });
    }

    private static CompletionStage<Optional<String>> exempt(String reason) {
        return CompletableFuture.completedFuture(Optional.of(reason));
    }

    // --- the operator's view (GET /api/v1/greylist ...) ---

    @Override
    public CompletionStage<List<Entry>> triplets(Optional<String> after, int limit) {
        // The smallest key after "t/<after>" is "t/<after>" followed by 0x00.
        byte[] from = utf8(TRIPLETS + after.map(key -> key + "\u0000").orElse(""));
        byte[] to = Keys.prefixEnd(utf8(TRIPLETS));
        return store.range(PolicyFamilies.GREYLIST, from, to, limit).thenApply(entries -> entries.stream()
                .map(entry -> tripletOf(text(entry.key()).substring(TRIPLETS.length()),
                        GreylistTriplet.read(entry.value())))
                .toList());
    }

    private static Entry tripletOf(String key, TripletRecord record) {
        Triplet parts = Triplet.fromKey(key);
        return new Entry(key, parts.network(), parts.sender(), parts.recipient(),
                Instant.ofEpochMilli(record.getFirstSeenEpochMillis()),
                Instant.ofEpochMilli(record.getLastSeenEpochMillis()), record.getPassed());
    }

    @Override
    public CompletionStage<List<Allowed>> allowed() {
        return store.prefix(PolicyFamilies.GREYLIST, utf8(ALLOW), MAX_ALLOW_ENTRIES).thenApply(Greylist::allowedOf);
    }

    private static List<Allowed> allowedOf(List<Store.KeyValue> entries) {
        return entries.stream().map(entry -> allowedOf(text(entry.key()).substring(ALLOW.length()))).toList();
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
        return store.commit(new StoreBatch().put(PolicyFamilies.GREYLIST, utf8(ALLOW + allowed.key()), new byte[0]),
                Durability.SYNC).thenApplyAsync(done -> {
                    reloadAllowList();
                    return allowed;
                }, blocking);
    }

    @Override
    public CompletionStage<Boolean> delete(String key) {
        if (key.startsWith("network:") || key.startsWith("domain:")) {
            byte[] storeKey = utf8(ALLOW + key);
            return store.read(PolicyFamilies.GREYLIST, storeKey).thenCompose(entry -> entry.isEmpty()
                    ? CompletableFuture.completedFuture(false)
                    : store.commit(new StoreBatch().delete(PolicyFamilies.GREYLIST, storeKey), Durability.SYNC)
                            .thenApplyAsync(done -> {
                                reloadAllowList();
                                return true;
                            }, blocking));
        }
        try {
            Triplet.fromKey(key);
        } catch (IllegalArgumentException notATripletKey) {
            // Names no entry, as one unknown: 404 for the operator's typo, not a failure of ours.
            return CompletableFuture.completedFuture(false);
        }
        return store.read(PolicyFamilies.GREYLIST, GreylistTriplet.tripletStoreKey(key)).thenCompose(entry -> entry.isEmpty()
                ? CompletableFuture.completedFuture(false)
                : sharding.entityRefFor(GreylistTriplet.TYPE_KEY, key)
                        .ask(GreylistTriplet.Forget::new, askTimeout)
                        .thenApply(done -> true));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] key) {
        return new String(key, StandardCharsets.UTF_8);
    }
}
