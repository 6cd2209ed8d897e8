package dev.postillion.mta.smtp.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.core.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuthThrottleTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T08:00:00Z"));
    private final AuthThrottle throttle = new AuthThrottle(
            new AuthThrottle.Settings(Duration.ofSeconds(1), Duration.ofSeconds(5), 5, Duration.ofMinutes(15)), clock);

    @Test
    void eachFailureInARowWaitsTwiceAsLongUpToTheMaximumThenLocksOut() {
        assertEquals(new AuthThrottle.Penalty(Duration.ofSeconds(1), false), throttle.failed("192.0.2.1", "anna@x.test"));
        assertEquals(new AuthThrottle.Penalty(Duration.ofSeconds(2), false), throttle.failed("192.0.2.1", "anna@x.test"));
        assertEquals(new AuthThrottle.Penalty(Duration.ofSeconds(4), false), throttle.failed("192.0.2.1", "anna@x.test"));
        assertEquals(new AuthThrottle.Penalty(Duration.ofSeconds(5), false), throttle.failed("192.0.2.1", "anna@x.test"));
        assertFalse(throttle.lockedOut("192.0.2.1", "anna@x.test"));
        assertTrue(throttle.failed("192.0.2.1", "anna@x.test").lockedOut());
        assertTrue(throttle.lockedOut("192.0.2.1", "bob@x.test"), "the client is locked out");
        assertTrue(throttle.lockedOut("198.51.100.7", "ANNA@x.test"), "and the account, from anywhere");
        assertFalse(throttle.lockedOut("198.51.100.7", "bob@x.test"));
    }

    @Test
    void theLockoutEndsAfterItsDuration() {
        for (int i = 0; i < 5; i++) {
            throttle.failed("192.0.2.1", "anna@x.test");
        }
        clock.advance(Duration.ofMinutes(14));
        assertTrue(throttle.lockedOut("192.0.2.1", "anna@x.test"));
        clock.advance(Duration.ofMinutes(2));
        assertFalse(throttle.lockedOut("192.0.2.1", "anna@x.test"));
        assertEquals(Duration.ofSeconds(1), throttle.failed("192.0.2.1", "anna@x.test").delay(), "counting starts over");
    }

    @Test
    void guessingManyAccountsFromOneClientCountsForTheClient() {
        for (int i = 0; i < 4; i++) {
            assertFalse(throttle.failed("192.0.2.1", "user" + i + "@x.test").lockedOut());
        }
        assertTrue(throttle.failed("192.0.2.1", "user9@x.test").lockedOut());
    }

    @Test
    void aSuccessClearsTheAccountsCountButNotTheClients() {
        throttle.failed("192.0.2.1", "anna@x.test");
        throttle.failed("192.0.2.1", "anna@x.test");
        throttle.succeeded("anna@x.test");
        assertEquals(Duration.ofSeconds(1), throttle.failed("198.51.100.7", "anna@x.test").delay());
        assertEquals(Duration.ofSeconds(4), throttle.failed("192.0.2.1", "bob@x.test").delay(),
                "a guesser who owns one account does not clear its record by logging in to it");
    }
}
