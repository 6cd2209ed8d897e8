package dev.postillion.mta.login;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.postillion.core.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** One client network's count, as its sharded actor keeps it. */
class ClientAuthAttemptsTest {

    private static final ActorTestKit testKit = ActorTestKit.create();

    private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T08:00:00Z"));
    private final ActorRef<ClientAuthAttempts.Command> attempts =
            testKit.spawn(ClientAuthAttempts.create(clock, Duration.ofMinutes(15)));
    private final TestProbe<ClientAuthAttempts.Counted> answers = testKit.createTestProbe();

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    /** Its asker answered the client 454 already: a check that never ran must not count towards a lockout. */
    @Test
    void aCountArrivingAfterItsAskerGaveUpIsNotCounted() {
        attempts.tell(new ClientAuthAttempts.Count(5, clock.millis() - 1, answers.ref()));
        answers.expectNoMessage(Duration.ofMillis(200));
        attempts.tell(new ClientAuthAttempts.Count(5, clock.millis() + 5_000, answers.ref()));
        assertEquals(new ClientAuthAttempts.Counted(true, 1), answers.receiveMessage());
    }

    @Test
    void countsUpToTheLimitThenRefusesUntilTheCountIsForgotten() {
        for (int i = 1; i <= 3; i++) {
            assertEquals(new ClientAuthAttempts.Counted(true, i), count());
        }
        assertEquals(new ClientAuthAttempts.Counted(false, 3), count());
        clock.advance(Duration.ofMinutes(15).plusMillis(1));
        assertEquals(new ClientAuthAttempts.Counted(true, 1), count());
    }

    private ClientAuthAttempts.Counted count() {
        attempts.tell(new ClientAuthAttempts.Count(3, clock.millis() + 5_000, answers.ref()));
        return answers.receiveMessage();
    }
}
