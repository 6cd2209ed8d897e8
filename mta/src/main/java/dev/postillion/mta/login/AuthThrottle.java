package dev.postillion.mta.login;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * Slows password guessing down (issue 6, SPEC section 5). Every SMTP AUTH attempt is counted
 * before its password is checked, per client network (an IPv4 address or an IPv6 /64) and per
 * account, so that sessions opened at once cannot each get a check in before the first failure is
 * known (issue 12, defect 16): a client network with {@code lockout-after} attempts counted is
 * refused for {@code lockout} with {@code 421 4.7.0}, whatever its sessions offer. A success takes
 * back its own attempt (a user who logs in often is no guesser) but not the client's failures:
 * a client that owns one account cannot clear its record of guessing others by logging in to it.
 *
 * <p>An account is never locked out: that would let anyone lock any user out by guessing wrong.
 * It is slowed instead: an attempt on an account with failures in a row waits, from any network,
 * {@code failure-delay} doubling with each of them up to {@code max-failure-delay}, before its
 * password is checked; a success clears the account's count. A failure's 535 waits as long,
 * by the client network's count.
 *
 * <p>A client network's attempts are counted for the whole cluster ({@link ClientAuthAttempts},
 * through Cluster Sharding), so a guesser gets {@code lockout-after} attempts whichever nodes it
 * spreads them over, and its lockout then holds on every node ({@link AuthLockouts}). An account's
 * count only sets a delay, and is kept on each node without a lock ({@link AttemptCounts}), as
 * Postfix's anvil(8) keeps its counts: at most {@code MAX_COUNTS} accounts, the least recently
 * counted forgotten first, and counts older than {@code lockout} count as none.
 */
public final class AuthThrottle {

    /** {@code postillion.smtp.auth}, documented in mta's reference.conf. */
    public record Settings(Duration failureDelay, Duration maxFailureDelay, int lockoutAfter, Duration lockout) {

        public static Settings from(Config auth) {
            int lockoutAfter = auth.getInt("lockout-after");
            if (lockoutAfter < 1) {
                throw new ConfigException.BadValue(auth.getValue("lockout-after").origin(),
                        "postillion.smtp.auth.lockout-after", "must be 1 or more, not " + lockoutAfter);
            }
            return new Settings(auth.getDuration("failure-delay"), auth.getDuration("max-failure-delay"),
                    lockoutAfter, auth.getDuration("lockout"));
        }
    }

    /**
     * Before a check: refused at once when {@code lockedOut}, else checked after {@code delay}.
     *
     * @param inARow the client network's attempts in a row, this one included
     */
    public record Admission(boolean lockedOut, Duration delay, int inARow) {

        public static final Admission LOCKED_OUT = new Admission(true, Duration.ZERO, 0);
    }

    /** After a failure: wait {@code delay} before the 535, or say 421 and close when {@code lockedOut}. */
    public record Penalty(Duration delay, boolean lockedOut) {}

    /** Accounts remembered at most, and client networks per node: a guesser cannot fill the heap. */
    private static final int MAX_COUNTS = 100_000;
    /** A network's count is on this node or the next: it answers in milliseconds unless its node is gone. */
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);

    private final Settings settings;
    private final Clock clock;
    private final ClusterSharding sharding;
    private final AttemptCounts accounts;

    private AuthThrottle(Settings settings, Clock clock, ClusterSharding sharding, int maxCounts) {
        this.settings = settings;
        this.clock = clock;
        this.sharding = sharding;
        this.accounts = new AttemptCounts(maxCounts, settings.lockout());
    }

    /**
     * Starts the client networks' counts on this node's sharding region (every node runs one, as
     * counts live anywhere). A count lives as long as it counts: sharding's idle passivation of
     * these actors is the lockout, not its two-minute default; and at most {@code MAX_COUNTS} live
     * on a node, the least recently used going first, so that a guesser with many networks cannot
     * fill the heap.
     */
    public static AuthThrottle start(ActorSystem<?> system, Settings settings, Clock clock) {
        return start(system, settings, clock, MAX_COUNTS);
    }

    static AuthThrottle start(ActorSystem<?> system, Settings settings, Clock clock, int maxCounts) {
        ClusterSharding sharding = ClusterSharding.get(system);
        ClusterShardingSettings defaults = ClusterShardingSettings.create(system);
        sharding.init(Entity.of(ClientAuthAttempts.TYPE_KEY,
                        context -> ClientAuthAttempts.create(clock, settings.lockout()))
                .withStopMessage(new ClientAuthAttempts.Passivate())
                .withSettings(defaults.withPassivationStrategy(defaults.passivationStrategySettings()
                        .withIdleEntityPassivation(settings.lockout())
                        .withActiveEntityLimit(MAX_COUNTS))));
        return new AuthThrottle(settings, clock, sharding, maxCounts);
    }

    /**
     * Counts an attempt before its check, or refuses it when the client network is locked out.
     * Counting and the lockout test are one step of the network's count, so n sessions at once, on
     * any nodes, get at most {@code lockout-after} checks between them. Fails when the count does
     * not answer in time.
     */
    public CompletionStage<Admission> admit(String client, String account) {
        return clientAttempts(client)
                .<ClientAuthAttempts.Counted>ask(replyTo -> new ClientAuthAttempts.Count(settings.lockoutAfter(),
                        clock.millis() + ASK_TIMEOUT.toMillis(), replyTo), ASK_TIMEOUT)
                .thenApply(counted -> {
                    if (!counted.admitted()) {
                        return Admission.LOCKED_OUT;
                    }
                    int failuresOnAccount = accounts.count(accountKey(account), clock.millis());
                    return new Admission(false, delayAfter(failuresOnAccount), counted.inARow());
                });
    }

    /** An admitted attempt failed: it stays counted; says how to answer it. */
    public Penalty failed(Admission admission) {
        if (admission.inARow() >= settings.lockoutAfter()) {
            return new Penalty(Duration.ZERO, true);
        }
        return new Penalty(delayAfter(admission.inARow()), false);
    }

    /** An admitted attempt succeeded: the account's count is cleared, the client's attempt taken back. */
    public void succeeded(String client, String account) {
        accounts.clear(accountKey(account), clock.millis());
        clientAttempts(client).tell(new ClientAuthAttempts.TakeBack());
    }

    /** An admitted attempt could not be checked (the directory failed): it is no guess, on either count. */
    public void notChecked(String client, String account) {
        clientAttempts(client).tell(new ClientAuthAttempts.TakeBack());
        accounts.takeBack(accountKey(account), clock.millis());
    }

    /** How long a client network stays locked out. */
    public Duration lockout() {
        return settings.lockout();
    }

    /** How many accounts are remembered now. */
    int remembered() {
        return accounts.size();
    }

    private EntityRef<ClientAuthAttempts.Command> clientAttempts(String client) {
        return sharding.entityRefFor(ClientAuthAttempts.TYPE_KEY, client);
    }

    /** {@code failure-delay} doubled for each of {@code inARow} failures but the first, at most the maximum. */
    private Duration delayAfter(int inARow) {
        if (inARow == 0) {
            return Duration.ZERO;
        }
        long delay = settings.failureDelay().toMillis() << Math.min(inARow - 1, 20);
        return Duration.ofMillis(Math.min(delay, settings.maxFailureDelay().toMillis()));
    }

    /** One count per account, whatever the case of the key (the caller gives the address's key). */
    private static String accountKey(String account) {
        return account.toLowerCase(Locale.ROOT);
    }
}
