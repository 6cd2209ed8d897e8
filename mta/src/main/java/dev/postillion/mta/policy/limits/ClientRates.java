package dev.postillion.mta.policy.limits;

import dev.postillion.mta.net.ClientNetworks;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;

/**
 * The per-client message rate limit ({@code postillion.limits.message-rate-per-client}): asks the
 * client's {@link ClientRate} counter, reached through Cluster Sharding, whether one more message
 * is allowed. The SMTP session asks at MAIL and answers {@code 451 4.7.1 Rate limit exceeded}
 * when it is not.
 */
public final class ClientRates {

    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);

    private final ClusterSharding sharding;
    private final int limit;

    private ClientRates(ClusterSharding sharding, int limit) {
        this.sharding = sharding;
        this.limit = limit;
    }

    /** Starts the counters' sharding region on this node (even when the limit is off: other nodes may use it). */
    public static ClientRates start(ActorSystem<?> system, Clock clock, LimitSettings settings) {
        ClusterSharding sharding = ClusterSharding.get(system);
        sharding.init(Entity.of(ClientRate.TYPE_KEY, ctx -> ClientRate.create(clock))
                .withStopMessage(new ClientRate.Passivate()));
        return new ClientRates(sharding, settings.messageRatePerClient());
    }

    /** Whether messages are counted at all; when not, {@link #allowMessage} need not be asked. */
    public boolean enabled() {
        return limit > 0;
    }

    /**
     * Counts a message from {@code client}: true while the client is within its limit. Fails only
     * when the counter does not answer in time.
     */
    public CompletionStage<Boolean> allowMessage(InetAddress client) {
        if (!enabled()) {
            return CompletableFuture.completedFuture(true);
        }
        return sharding.entityRefFor(ClientRate.TYPE_KEY, ClientNetworks.clientKey(client))
                .<ClientRate.Verdict>ask(replyTo -> new ClientRate.Count(limit, replyTo), ASK_TIMEOUT)
                .thenApply(ClientRate.Verdict::allowed);
    }
}
