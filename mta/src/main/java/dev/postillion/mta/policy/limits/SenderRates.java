package dev.postillion.mta.policy.limits;

import dev.postillion.admin.SendingLimitsAdmin;
import dev.postillion.core.Keys;
import dev.postillion.core.Store;
import dev.postillion.core.Store.KeyValue;
import dev.postillion.mailbox.MailServices;
import dev.postillion.mta.policy.PolicyFamilies;
import dev.postillion.mta.policy.limits.proto.SenderRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;

/**
 * The limits on what authenticated users send ({@code postillion.limits.sending}, SPEC section 5):
 * asks a user's {@link SenderRate} counter, reached through Cluster Sharding, where the user
 * stands (at MAIL), and tells it of each message the spool took; the admin API's overrides and
 * listing of senders near their limits go through here too.
 */
public final class SenderRates implements SendingLimitsAdmin {

    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);
    /** Senders' records read per page of the near-limit listing. */
    private static final int PAGE = 1000;

    private final ClusterSharding sharding;
    private final Store store;
    private final Clock clock;
    private final boolean enabled;

    private SenderRates(ClusterSharding sharding, Store store, Clock clock, boolean enabled) {
        this.sharding = sharding;
        this.store = store;
        this.clock = clock;
        this.enabled = enabled;
    }

    /**
     * Starts the counters' sharding region on this node, as {@link ClientRates#start} does for
     * clients; {@code services} has the defaults of each address's mail service.
     */
    public static SenderRates start(ActorSystem<?> system, Store store, Clock clock, LimitSettings settings,
            MailServices services) {
        ClusterSharding sharding = ClusterSharding.get(system);
        sharding.init(Entity.of(SenderRate.TYPE_KEY,
                        ctx -> SenderRate.create(ctx.getEntityId(), store, clock, settings.sending(), services))
                .withStopMessage(new SenderRate.Passivate()));
        return new SenderRates(sharding, store, clock, settings.limitsSending());
    }

    /**
     * Whether users' mail is counted. With every node-wide limit off it is not, and an override
     * has no effect: the operator turned the limits off for the whole node.
     */
    public boolean enabled() {
        return enabled;
    }

    /** Where {@code address} (an address's key, lower case) stands now. */
    public CompletionStage<SenderStanding> standingNow(String address) {
        return sharding.entityRefFor(SenderRate.TYPE_KEY, address)
                .ask(SenderRate.Standing::new, ASK_TIMEOUT);
    }

    /** Counts a message of {@code address} the spool took, with its recipients. */
    public void count(String address, int recipients) {
        if (enabled) {
            sharding.entityRefFor(SenderRate.TYPE_KEY, address).tell(new SenderRate.Count(recipients));
        }
    }

    @Override
    public List<String> limitNames() {
        return Arrays.stream(SendingLimit.values()).map(SendingLimit::key).toList();
    }

    @Override
    public CompletionStage<Standing> standing(String address) {
        return standingNow(address).thenApply(SenderRates::admin);
    }

    @Override
    public CompletionStage<Standing> override(String address, Map<String, Integer> override) {
        Map<SendingLimit, Integer> limits = SendingLimit.byKeys(override);
        return sharding.entityRefFor(SenderRate.TYPE_KEY, address)
                .<SenderStanding>ask(replyTo -> new SenderRate.SetOverride(limits, replyTo), ASK_TIMEOUT)
                .thenApply(SenderRates::admin);
    }

    private static Standing admin(SenderStanding standing) {
        return new Standing(ordered(standing.limits()), ordered(standing.used()), ordered(standing.override()),
                standing.hourEnds(), standing.dayEnds());
    }

    /** By name, in the order of {@link SendingLimit}: JSON keeps it. */
    private static Map<String, Integer> ordered(Map<SendingLimit, Integer> counts) {
        Map<String, Integer> ordered = new LinkedHashMap<>();
        for (SendingLimit limit : SendingLimit.values()) {
            if (counts.containsKey(limit)) {
                ordered.put(limit.key(), counts.get(limit));
            }
        }
        return ordered;
    }

    /**
     * The senders of the current day that have used at least {@code share} of one of their limits
     * (1.0: reached it), the nearest first. Reads only the day's copies of the senders' records, so
     * the cost is that of the day's senders, never of every address.
     */
    @Override
    public CompletionStage<List<Sender>> near(double share) {
        Instant now = clock.instant();
        byte[] prefix = SenderRate.dayPrefix(now.truncatedTo(ChronoUnit.DAYS)).getBytes(StandardCharsets.UTF_8);
        return nearFrom(prefix, Keys.prefixEnd(prefix), now, share, new ArrayList<>());
    }

    private CompletionStage<List<Sender>> nearFrom(byte[] from, byte[] to, Instant now, double share,
            List<Sender> found) {
        return store.range(PolicyFamilies.SENDERS, from, to, PAGE).thenCompose(page -> {
            int prefixLength = SenderRate.dayPrefix(now.truncatedTo(ChronoUnit.DAYS)).length();
            for (KeyValue entry : page) {
                SenderStanding standing = listed(SenderRate.parse(entry.value()), now);
                if (standing.nearest() >= share) {
                    String key = new String(entry.key(), StandardCharsets.UTF_8);
                    found.add(new Sender(key.substring(prefixLength), standing.nearest(), admin(standing)));
                }
            }
            if (page.size() < PAGE) {
                found.sort(Comparator.comparingDouble(Sender::nearest).reversed()
                        .thenComparing(Sender::address));
                return CompletableFuture.completedFuture(found);
            }
            byte[] last = page.get(page.size() - 1).key();
            return nearFrom(Keys.successor(last), to, now, share, found);
        });
    }

    /** A day's copy of a sender's record, as it stands {@code now}, with the limits it was written with. */
    private static SenderStanding listed(SenderRecord stored, Instant now) {
        Map<SendingLimit, Integer> limits = SendingLimit.byKeys(stored.getLimitsMap());
        for (SendingLimit limit : SendingLimit.values()) {
            limits.putIfAbsent(limit, 0);
        }
        return SenderRate.standingOf(SenderRate.current(stored, now), limits);
    }
}
