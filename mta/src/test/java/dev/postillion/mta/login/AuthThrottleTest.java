package dev.postillion.mta.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.postillion.core.MutableClock;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The AUTH throttle over a real cluster of one, whose sharding holds the client networks' counts.
 * The counts' region is started once, with the class's clock and settings; each test uses client
 * networks and accounts of its own.
 */
class AuthThrottleTest {

    private static final AuthThrottle.Settings SETTINGS =
            new AuthThrottle.Settings(Duration.ofSeconds(1), Duration.ofSeconds(5), 5, Duration.ofMinutes(15));
    private static final ActorTestKit testKit = ActorTestKit.create(ConfigFactory.parseString("""
            pekko.actor.provider = cluster
            pekko.remote.artery.canonical.hostname = 127.0.0.1
            pekko.remote.artery.canonical.port = 0
            """).withFallback(ConfigFactory.load()));
    private static final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T08:00:00Z"));
    private static final AuthThrottle throttle;

    static {
        Cluster cluster = Cluster.get(testKit.system());
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
        throttle = AuthThrottle.start(testKit.system(), SETTINGS, clock);
    }

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    private static AuthThrottle.Admission admit(AuthThrottle throttle, String client, String account) {
        return throttle.admit(client, account).toCompletableFuture().join();
    }

    private static AuthThrottle.Admission admit(String client, String account) {
        return admit(throttle, client, account);
    }

    /** Admits an attempt (it must be admitted) and fails it. */
    private static AuthThrottle.Penalty fail(String client, String account) {
        AuthThrottle.Admission admission = admit(client, account);
        assertFalse(admission.lockedOut());
        return throttle.failed(admission);
    }

    @Test
    void eachFailureInARowWaitsTwiceAsLongUpToTheMaximumThenLocksTheClientOut() {
        assertEquals(new AuthThrottle.Penalty(Duration.ofSeconds(1), false), fail("192.0.2.1", "anna@a.test"));
        assertEquals(new AuthThrottle.Penalty(Duration.ofSeconds(2), false), fail("192.0.2.1", "anna@a.test"));
        assertEquals(new AuthThrottle.Penalty(Duration.ofSeconds(4), false), fail("192.0.2.1", "anna@a.test"));
        assertEquals(new AuthThrottle.Penalty(Duration.ofSeconds(5), false), fail("192.0.2.1", "anna@a.test"));
        assertTrue(fail("192.0.2.1", "anna@a.test").lockedOut());
        assertTrue(admit("192.0.2.1", "bob@a.test").lockedOut(), "the client is locked out");
    }

    /**
     * Issue 12, defect 16: sessions at once each took a check before the first failure was known.
     * Twenty sessions on four event loops ask at the same moment; none waits on its loop (the
     * tests' blocking-call detector would fail it), and five get a check between them.
     */
    @Test
    void attemptsAreCountedBeforeTheirCheckSoSessionsAtOnceGetNoMoreChecks() throws Exception {
        EventLoopGroup loops = new DefaultEventLoopGroup(4);
        try {
            List<CompletableFuture<AuthThrottle.Admission>> admissions = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                CompletableFuture<AuthThrottle.Admission> admission = new CompletableFuture<>();
                loops.next().execute(() -> throttle.admit("192.0.2.2", "anna@b.test").whenComplete((admitted, error) -> {
                    if (error != null) {
                        admission.completeExceptionally(error);
                    } else {
                        admission.complete(admitted);
                    }
                }));
                admissions.add(admission);
            }
            long checked = 0;
            for (CompletableFuture<AuthThrottle.Admission> admission : admissions) {
                checked += admission.get(15, TimeUnit.SECONDS).lockedOut() ? 0 : 1;
            }
            assertEquals(5, checked, "five attempts in flight lock the others out, before any of them failed");
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Issue 12, defect 16: locking the account would let anyone lock any user out. */
    @Test
    void anAccountIsNeverLockedOutOnlySlowedFromEveryNetwork() {
        for (int i = 0; i < 5; i++) {
            fail("192.0.2.3", "anna@c.test");
        }
        AuthThrottle.Admission elsewhere = admit("198.51.100.7", "ANNA@c.test");
        assertEquals(new AuthThrottle.Admission(false, Duration.ofSeconds(5), 1), elsewhere,
                "five failures in a row on the account: the check waits the maximum");
        throttle.succeeded("198.51.100.7", "anna@c.test");
        assertEquals(new AuthThrottle.Admission(false, Duration.ZERO, 1), admit("198.51.100.7", "anna@c.test"),
                "a success clears the account's count, and takes its own attempt back");
    }

    @Test
    void theLockoutEndsAfterItsDuration() {
        for (int i = 0; i < 5; i++) {
            fail("192.0.2.4", "anna@d.test");
        }
        clock.advance(Duration.ofMinutes(14));
        assertTrue(admit("192.0.2.4", "anna@d.test").lockedOut());
        clock.advance(Duration.ofMinutes(2));
        assertEquals(new AuthThrottle.Penalty(Duration.ofSeconds(1), false), fail("192.0.2.4", "anna@d.test"),
                "counting starts over");
    }

    @Test
    void guessingManyAccountsFromOneClientCountsForTheClient() {
        for (int i = 0; i < 4; i++) {
            assertFalse(fail("192.0.2.5", "user" + i + "@e.test").lockedOut());
        }
        assertTrue(fail("192.0.2.5", "user9@e.test").lockedOut());
    }

    @Test
    void aSuccessTakesBackItsAttemptButNotTheClientsFailures() {
        fail("192.0.2.6", "anna@f.test");
        fail("192.0.2.6", "anna@f.test");
        assertFalse(admit("192.0.2.6", "anna@f.test").lockedOut());
        throttle.succeeded("192.0.2.6", "anna@f.test");
        assertEquals(Duration.ofSeconds(4), fail("192.0.2.6", "bob@f.test").delay(),
                "a guesser who owns one account does not clear its record by logging in to it");
        for (int i = 0; i < 20; i++) {
            assertFalse(admit("203.0.113.9", "carl@f.test").lockedOut(), "login " + (i + 1));
            throttle.succeeded("203.0.113.9", "carl@f.test");
        }
    }

    @Test
    void anAttemptThatCouldNotBeCheckedIsNoGuess() {
        for (int i = 0; i < 10; i++) {
            assertFalse(admit("192.0.2.7", "anna@g.test").lockedOut());
            throttle.notChecked("192.0.2.7", "anna@g.test");
        }
        assertEquals(new AuthThrottle.Admission(false, Duration.ZERO, 1), admit("192.0.2.7", "anna@g.test"));
    }

    @Test
    void aGuesserTryingManyAccountsCannotFillTheMemory() {
        AuthThrottle bounded = AuthThrottle.start(testKit.system(), SETTINGS, clock, 100);
        for (int i = 0; i < 1_000; i++) {
            admit(bounded, "10.1." + i / 256 + "." + i % 256, "user" + i + "@h.test");
        }
        assertTrue(bounded.remembered() <= 100, "accounts remembered: " + bounded.remembered());
    }

    @Test
    void whenTheMemoryIsFullTheLeastRecentlyCountedAccountsAreForgottenFirst() {
        AuthThrottle bounded = AuthThrottle.start(testKit.system(), SETTINGS, clock, 100);
        for (int i = 0; i < 99; i++) {
            admit(bounded, "10.2.0.1", "user" + i + "@i.test");
            bounded.succeeded("10.2.0.1", "user" + i + "@i.test");
        }
        clock.advance(Duration.ofMinutes(1));
        for (int i = 0; i < 3; i++) {
            admit(bounded, "10.2.0." + (10 + i), "anna@i.test");
        }
        clock.advance(Duration.ofMinutes(1));
        for (int i = 0; i < 30; i++) {
            admit(bounded, "10.2.1." + i, "other" + i + "@i.test");
        }
        assertEquals(Duration.ofSeconds(4), admit(bounded, "10.2.0.20", "anna@i.test").delay(),
                "the guessed account is still slowed; older counts made room");
    }
}
