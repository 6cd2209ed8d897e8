package dev.postillion.mta.smtp.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.core.MutableClock;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AuthThrottleTest {

    private static final AuthThrottle.Settings SETTINGS =
            new AuthThrottle.Settings(Duration.ofSeconds(1), Duration.ofSeconds(5), 5, Duration.ofMinutes(15));
    private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T08:00:00Z"));
    private final AuthThrottle throttle = new AuthThrottle(SETTINGS, clock);

    /** Admits an attempt (it must be admitted) and fails it. */
    private AuthThrottle.Penalty fail(String client, String account) {
        assertFalse(throttle.admit(client, account).lockedOut());
        return throttle.failed(client);
    }

    @Test
    void eachFailureInARowWaitsTwiceAsLongUpToTheMaximumThenLocksTheClientOut() {
        assertEquals(new AuthThrottle.Penalty(Duration.ofSeconds(1), false), fail("192.0.2.1", "anna@x.test"));
        assertEquals(new AuthThrottle.Penalty(Duration.ofSeconds(2), false), fail("192.0.2.1", "anna@x.test"));
        assertEquals(new AuthThrottle.Penalty(Duration.ofSeconds(4), false), fail("192.0.2.1", "anna@x.test"));
        assertEquals(new AuthThrottle.Penalty(Duration.ofSeconds(5), false), fail("192.0.2.1", "anna@x.test"));
        assertTrue(fail("192.0.2.1", "anna@x.test").lockedOut());
        assertTrue(throttle.admit("192.0.2.1", "bob@x.test").lockedOut(), "the client is locked out");
    }

    /** Issue 12, defect 16: sessions at once each took a check before the first failure was known. */
    @Test
    void attemptsAreCountedBeforeTheirCheckSoSessionsAtOnceGetNoMoreChecks() {
        for (int i = 0; i < 5; i++) {
            assertFalse(throttle.admit("192.0.2.1", "anna@x.test").lockedOut(), "attempt " + (i + 1));
        }
        assertTrue(throttle.admit("192.0.2.1", "anna@x.test").lockedOut(),
                "five attempts in flight lock the sixth out, before any of them failed");
    }

    /** Issue 12, defect 16: locking the account would let anyone lock any user out. */
    @Test
    void anAccountIsNeverLockedOutOnlySlowedFromEveryNetwork() {
        for (int i = 0; i < 5; i++) {
            fail("192.0.2.1", "anna@x.test");
        }
        AuthThrottle.Admission elsewhere = throttle.admit("198.51.100.7", "ANNA@x.test");
        assertEquals(new AuthThrottle.Admission(false, Duration.ofSeconds(5)), elsewhere,
                "five failures in a row on the account: the check waits the maximum");
        throttle.succeeded("198.51.100.7", "anna@x.test");
        assertEquals(new AuthThrottle.Admission(false, Duration.ZERO), throttle.admit("198.51.100.7", "anna@x.test"),
                "a success clears the account's count");
    }

    @Test
    void theLockoutEndsAfterItsDuration() {
        for (int i = 0; i < 5; i++) {
            fail("192.0.2.1", "anna@x.test");
        }
        clock.advance(Duration.ofMinutes(14));
        assertTrue(throttle.admit("192.0.2.1", "anna@x.test").lockedOut());
        clock.advance(Duration.ofMinutes(2));
        assertEquals(new AuthThrottle.Penalty(Duration.ofSeconds(1), false), fail("192.0.2.1", "anna@x.test"),
                "counting starts over");
    }

    @Test
    void guessingManyAccountsFromOneClientCountsForTheClient() {
        for (int i = 0; i < 4; i++) {
            assertFalse(fail("192.0.2.1", "user" + i + "@x.test").lockedOut());
        }
        assertTrue(fail("192.0.2.1", "user9@x.test").lockedOut());
    }

    @Test
    void aSuccessTakesBackItsAttemptButNotTheClientsFailures() {
        fail("192.0.2.1", "anna@x.test");
        fail("192.0.2.1", "anna@x.test");
        assertFalse(throttle.admit("192.0.2.1", "anna@x.test").lockedOut());
        throttle.succeeded("192.0.2.1", "anna@x.test");
        assertEquals(Duration.ofSeconds(4), fail("192.0.2.1", "bob@x.test").delay(),
                "a guesser who owns one account does not clear its record by logging in to it");
        for (int i = 0; i < 20; i++) {
            assertFalse(throttle.admit("203.0.113.9", "carl@x.test").lockedOut(), "login " + (i + 1));
            throttle.succeeded("203.0.113.9", "carl@x.test");
        }
    }

    @Test
    void anAttemptThatCouldNotBeCheckedIsNoGuess() {
        for (int i = 0; i < 10; i++) {
            assertFalse(throttle.admit("192.0.2.1", "anna@x.test").lockedOut());
            throttle.notChecked("192.0.2.1", "anna@x.test");
        }
        assertEquals(new AuthThrottle.Admission(false, Duration.ZERO), throttle.admit("192.0.2.1", "anna@x.test"));
    }

    /**
     * ARCHITECTURE rule 1: sessions of one client network count at the same moment on their event
     * loops, and none waits for another (the tests' blocking-call detector fails a wait there, as
     * it did on the lock of the bounded cache the counts were first kept in).
     */
    @Test
    void sessionsCountingAtOnceOnTheirEventLoopsNeverWait() throws Exception {
        EventLoopGroup loops = new DefaultEventLoopGroup(4);
        try {
            List<Future<?>> counting = new ArrayList<>();
            for (EventExecutor loop : loops) {
                counting.add(loop.submit(() -> {
                    for (int i = 0; i < 20_000; i++) {
                        String account = "user" + (i % 50) + "@x.test";
                        assertFalse(throttle.admit("192.0.2.1", account).lockedOut());
                        throttle.succeeded("192.0.2.1", account);
                    }
                }));
            }
            for (Future<?> loop : counting) {
                assertTrue(loop.await(60, TimeUnit.SECONDS), "counting ended");
                assertTrue(loop.isSuccess(), () -> "counting failed: " + loop.cause());
            }
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void aGuesserWithManyNetworksAndAccountsCannotFillTheMemory() {
        AuthThrottle bounded = new AuthThrottle(SETTINGS, clock, 100);
        for (int i = 0; i < 10_000; i++) {
            assertFalse(bounded.admit("10.0." + i / 256 + "." + i % 256, "user" + i + "@x.test").lockedOut());
        }
        assertTrue(bounded.remembered() <= 2 * 100, "clients and accounts remembered: " + bounded.remembered());
    }

    @Test
    void whenTheMemoryIsFullTheLeastRecentlyCountedAreForgottenFirst() {
        AuthThrottle bounded = new AuthThrottle(SETTINGS, clock, 100);
        for (int i = 0; i < 99; i++) {
            bounded.admit("10.0.0." + i, "anna@x.test");
        }
        clock.advance(Duration.ofMinutes(1));
        for (int i = 0; i < 5; i++) {
            assertFalse(bounded.admit("192.0.2.1", "anna@x.test").lockedOut());
            bounded.failed("192.0.2.1");
        }
        clock.advance(Duration.ofMinutes(1));
        for (int i = 0; i < 30; i++) {
            bounded.admit("10.0.1." + i, "anna@x.test");
        }
        assertTrue(bounded.admit("192.0.2.1", "anna@x.test").lockedOut(),
                "the guesser is still locked out; older counts made room");
    }
}
