package dev.postillion.mta.smtp.auth;

import com.google.common.cache.CacheBuilder;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Slows password guessing down (issue 6, SPEC section 5): failed SMTP AUTH attempts are counted per
 * client (an IPv4 address or an IPv6 /64) and per account. Each failure in a row is answered later
 * than the one before, {@code failure-delay} doubling up to {@code max-failure-delay}; after
 * {@code lockout-after} failures in a row the client, or the account, is refused for
 * {@code lockout} with {@code 421 4.7.0} and the connection is closed. A success clears the
 * account's count, not the client's: a client that owns one account cannot clear its record of
 * guessing others by logging in to it. Counts older than {@code lockout} are forgotten, and at most
 * {@code MAX_COUNTS} clients and accounts are remembered (the least recently counted go first).
 *
 * <p>Held in memory on each node, as Postfix's anvil(8) holds its counts: a cluster of n nodes
 * lets a guesser n times the attempts. Thread-safe; sessions of every event loop share it.
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

    /** After a failure: wait {@code delay} before the 535, or say 421 and close when {@code lockedOut}. */
    public record Penalty(Duration delay, boolean lockedOut) {}

    /** Clients, and accounts, remembered at most: a guesser with many addresses cannot fill the heap. */
    private static final int MAX_COUNTS = 100_000;

    private record Failures(int inARow, long lastMillis) {}

    private final Settings settings;
    private final Clock clock;
    private final Map<String, Failures> clients;
    private final Map<String, Failures> accounts;

    public AuthThrottle(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.clients = counts();
        this.accounts = counts();
    }

    /** Bounded by size; staleness is judged on the injected clock, so expiry is not left to the cache. */
    private static Map<String, Failures> counts() {
        return CacheBuilder.newBuilder().maximumSize(MAX_COUNTS).<String, Failures>build().asMap();
    }

    /** Whether the client or the account is locked out now: AUTH is refused without a check. */
    public boolean lockedOut(String client, String account) {
        long now = clock.millis();
        return locked(clients.get(client), now) || locked(accounts.get(accountKey(account)), now);
    }

    /** Counts a failed attempt and says how to answer it. */
    public Penalty failed(String client, String account) {
        long now = clock.millis();
        int inARow = Math.max(count(clients, client, now), count(accounts, accountKey(account), now));
        if (inARow >= settings.lockoutAfter()) {
            return new Penalty(Duration.ZERO, true);
        }
        long delay = settings.failureDelay().toMillis() << Math.min(inARow - 1, 20);
        return new Penalty(Duration.ofMillis(Math.min(delay, settings.maxFailureDelay().toMillis())), false);
    }

    /** A successful login clears the account's count. */
    public void succeeded(String account) {
        accounts.remove(accountKey(account));
    }

    private int count(Map<String, Failures> counts, String key, long now) {
        return counts.merge(key, new Failures(1, now), (old, added) ->
                stale(old, now) ? added : new Failures(old.inARow() + 1, now)).inARow();
    }

    private boolean locked(Failures failures, long now) {
        return failures != null && failures.inARow() >= settings.lockoutAfter() && !stale(failures, now);
    }

    private boolean stale(Failures failures, long now) {
        return now - failures.lastMillis() > settings.lockout().toMillis();
    }

    /** One count per account, whatever the case of the key (the caller gives the address's key). */
    private static String accountKey(String account) {
        return account.toLowerCase(Locale.ROOT);
    }
}
