package dev.postillion.mta.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.postillion.core.testing.SerializedMessages;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The AUTH attempt counts' protocol and password changes travel whole between nodes, as Protobuf. */
class AuthSerializerTest {

    static final ActorTestKit testKit = ActorTestKit.create();

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    @Test
    void countKeepsItsLimitDeadlineAndReplyTo() {
        TestProbe<ClientAuthAttempts.Counted> answers = testKit.createTestProbe();
        var count = assertInstanceOf(ClientAuthAttempts.Count.class,
                roundTrip(new ClientAuthAttempts.Count(5, 1_796_000_000_000L, answers.ref())));
        assertEquals(5, count.limit());
        assertEquals(1_796_000_000_000L, count.deadlineMillis());
        assertEquals(answers.ref(), count.replyTo());
    }

    @Test
    void answersAndSignalsTravelWhole() {
        var counted = new ClientAuthAttempts.Counted(true, 4);
        assertEquals(counted, roundTrip(counted));
        assertEquals(new ClientAuthAttempts.Counted(false, 5), roundTrip(new ClientAuthAttempts.Counted(false, 5)));
        assertInstanceOf(ClientAuthAttempts.TakeBack.class, roundTrip(new ClientAuthAttempts.TakeBack()));
        assertInstanceOf(ClientAuthAttempts.Passivate.class, roundTrip(new ClientAuthAttempts.Passivate()));
        assertInstanceOf(AuthSerializer.class, SerializedMessages.serializerOf(testKit.system(), counted));
    }

    @Test
    void aPasswordChangeAndAnAppPasswordRevocationTravelWhole() {
        var changed = new LoginSessions.CredentialChanged("anna@example.test", "", 3);
        assertEquals(changed, roundTrip(changed));
        var revoked = new LoginSessions.CredentialChanged("anna@example.test", "k7mq", 1_780_000_000_001L);
        assertEquals(revoked, roundTrip(revoked));
        assertInstanceOf(AuthSerializer.class, SerializedMessages.serializerOf(testKit.system(), changed));
    }

    private static Object roundTrip(Object message) {
        return SerializedMessages.roundTrip(testKit.system(), message);
    }
}
