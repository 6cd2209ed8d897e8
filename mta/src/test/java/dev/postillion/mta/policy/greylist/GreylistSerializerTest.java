package dev.postillion.mta.policy.greylist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.postillion.core.testing.SerializedMessages;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class GreylistSerializerTest {

    static final ActorTestKit testKit = ActorTestKit.create();

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    @Test
    void requestsKeepTheirReplyTo() {
        TestProbe<GreylistTriplet.Verdict> verdicts = testKit.createTestProbe();
        TestProbe<Done> done = testKit.createTestProbe();
        var check = assertInstanceOf(GreylistTriplet.Check.class, roundTrip(new GreylistTriplet.Check(verdicts.ref())));
        var forget = assertInstanceOf(GreylistTriplet.Forget.class, roundTrip(new GreylistTriplet.Forget(done.ref())));
        assertEquals(verdicts.ref(), check.replyTo());
        assertEquals(done.ref(), forget.replyTo());
        assertEquals(done.ref(), assertInstanceOf(GreylistTriplet.Expire.class,
                roundTrip(new GreylistTriplet.Expire(done.ref()))).replyTo());
        assertEquals(done.ref(), assertInstanceOf(GreylistNetwork.Expire.class,
                roundTrip(new GreylistNetwork.Expire(done.ref()))).replyTo());
    }

    @Test
    void verdictsAndSignalsTravelWhole() {
        var verdict = new GreylistTriplet.Verdict(false, "first attempt");
        assertEquals(verdict, roundTrip(verdict));
        assertInstanceOf(GreylistTriplet.Passivate.class, roundTrip(new GreylistTriplet.Passivate()));
        assertInstanceOf(GreylistNetwork.Passed.class, roundTrip(new GreylistNetwork.Passed()));
        assertInstanceOf(GreylistNetwork.Passivate.class, roundTrip(new GreylistNetwork.Passivate()));
        assertInstanceOf(GreylistSerializer.class, SerializedMessages.serializerOf(testKit.system(), verdict));
    }

    private static Object roundTrip(Object message) {
        return SerializedMessages.roundTrip(testKit.system(), message);
    }
}
