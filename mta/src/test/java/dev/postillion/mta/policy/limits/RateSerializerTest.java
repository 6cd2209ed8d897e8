package dev.postillion.mta.policy.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.postillion.core.testing.SerializedMessages;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The rate counters' protocol travels whole between nodes, as Protobuf. */
class RateSerializerTest {

    static final ActorTestKit testKit = ActorTestKit.create();

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    @Test
    void countKeepsItsLimitAndReplyTo() {
        TestProbe<ClientRate.Verdict> verdicts = testKit.createTestProbe();
        var count = assertInstanceOf(ClientRate.Count.class, roundTrip(new ClientRate.Count(30, verdicts.ref())));
        assertEquals(30, count.limit());
        assertEquals(verdicts.ref(), count.replyTo());
    }

    @Test
    void verdictsAndPassivateTravelWhole() {
        var verdict = new ClientRate.Verdict(false, 31);
        assertEquals(verdict, roundTrip(verdict));
        assertInstanceOf(ClientRate.Passivate.class, roundTrip(new ClientRate.Passivate()));
        assertInstanceOf(RateSerializer.class, SerializedMessages.serializerOf(testKit.system(), verdict));
    }

    private static Object roundTrip(Object message) {
        return SerializedMessages.roundTrip(testKit.system(), message);
    }
}
