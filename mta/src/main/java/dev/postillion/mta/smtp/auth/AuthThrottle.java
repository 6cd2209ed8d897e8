package dev.postillion.mta.smtp.auth;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;

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
 * <p>Counts older than {@code lockout} are forgotten, and at most {@code MAX_COUNTS} clients and
 * accounts are remembered (the least recently counted go first). Held in memory on each node, as
 * Postfix's anvil(8) holds its counts: a cluster of n nodes lets a guesser at most n times the
 * attempts before the first lockout, which then holds on every node ({@link AuthLockouts}).
 * Sessions of every event loop share it, and count without a lock ({@link AttemptCounts}): none
 * waits for another.
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

    /** Before a check: refused at once when {@code lockedOut}, else checked after {@code delay}. */
    public record Admission(boolean lockedOut, Duration delay) {}

    /** After a failure: wait {@code delay} before the 535, or say 421 and close when {@code lockedOut}. */
    public record Penalty(Duration delay, boolean lockedOut) {}

    /** Clients, and accounts, remembered at most: a guesser with many addresses cannot fill the heap. */
    private static final int MAX_COUNTS = 100_000;

    private final Settings settings;
    private final Clock clock;
    private final AttemptCounts clients;
    private final AttemptCounts accounts;

    public AuthThrottle(Settings settings, Clock clock) {
        this(settings, clock, MAX_COUNTS);
    }

    AuthThrottle(Settings settings, Clock clock, int maxCounts) {
        this.settings = settings;
        this.clock = clock;
        this.clients = new AttemptCounts(maxCounts, settings.lockout());
        this.accounts = new AttemptCounts(maxCounts, settings.lockout());
    }

    /**
     * Counts an attempt before its check, or refuses it when the client network is locked out.
     * Counting and the lockout test are one atomic step, so n sessions at once get at most
     * {@code lockout-after} checks between them.
     */
    public Admission admit(String client, String account) {
        long now = clock.millis();
        if (!clients.countBelow(client, now, settings.lockoutAfter())) {
            return new Admission(true, Duration.ZERO);
        }
        int failuresOnAccount = accounts.count(accountKey(account), now);
        return new Admission(false, delayAfter(failuresOnAccount));
    }

    /** An admitted attempt failed: it stays counted; says how to answer it. */
    public Penalty failed(String client) {
        int inARow = Math.max(1, clients.current(client, clock.millis()));
        if (inARow >= settings.lockoutAfter()) {
            return new Penalty(Duration.ZERO, true);
        }
        return new Penalty(delayAfter(inARow), false);
    }

    /** An admitted attempt succeeded: the account's count is cleared, the client's attempt taken back. */
    public void succeeded(String client, String account) {
        long now = clock.millis();
        accounts.clear(accountKey(account), now);
        clients.takeBack(client, now);
    }

    /** An admitted attempt could not be checked (the directory failed): it is no guess, on either count. */
    public void notChecked(String client, String account) {
        long now = clock.millis();
        clients.takeBack(client, now);
        accounts.takeBack(accountKey(account), now);
    }

    /** How long a client network stays locked out. */
    public Duration lockout() {
        return settings.lockout();
    }

    /** How many clients and accounts are remembered now. */
    int remembered() {
        return clients.size() + accounts.size();
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
