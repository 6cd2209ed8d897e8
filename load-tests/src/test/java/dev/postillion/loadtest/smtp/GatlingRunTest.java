package dev.postillion.loadtest.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.postillion.loadtest.GatlingInThisJvm;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Real Gatling runs against the fake server: Gatling's own assertions check the report's counts. */
class GatlingRunTest {

    @Test
    void theReportCountsEveryPhaseOfEveryMessage() throws Exception {
        try (FakeSmtpServer server = FakeSmtpServer.start().reply("RCPT TO:<NOBODY@", "550 5.1.1 User unknown")) {
            GatlingInThisJvm.requirePassing(FakeServerSimulation.class,
                    Map.of("smtp.port", Integer.toString(server.port())));

            assertEquals(6, server.verbs().stream().filter("DATA"::equals).count(), "the report's six DATA");
            assertEquals(6, server.verbs().stream().filter("RSET"::equals).count(),
                    "and six resets after the only recipient was refused");
        }
    }

    @Test
    void aKoFailsTheSessionForTryMaxAndExitBlockOnFail() throws Exception {
        try (FakeSmtpServer server = FakeSmtpServer.start().reply("RCPT TO:<NOBODY@", "550 5.1.1 User unknown")) {
            GatlingInThisJvm.requirePassing(FailureHandlingSimulation.class,
                    Map.of("smtp.port", Integer.toString(server.port())));

            assertEquals(3, server.messages().size(), "one message each, after the blocks");
            assertEquals(3, server.received().stream().filter(line -> line.line().startsWith("RCPT TO:<bob@")).count(),
                    "bob only after the blocks: the message to him in exitBlockOnFail was skipped");
        }
    }
}
