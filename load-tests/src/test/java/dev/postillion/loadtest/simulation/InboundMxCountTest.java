package dev.postillion.loadtest.simulation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The report's counts are true: a short run of {@link InboundMxSimulation} against a node started
 * for it, then every message the report counts as accepted (OK at "mx: DATA", and at "greylisted
 * retry: DATA" after a sender's first attempt was greylisted) is in a mailbox, and no other.
 */
class InboundMxCountTest {

    private static final Map<String, String> LOAD = Map.of("load.rate", "5", "load.duration", "3s");

    @Test
    void everyMessageTheReportCountsAsAcceptedIsInAMailbox() throws Exception {
        try (Target node = Target.start()) {
            SimulationRun run = SimulationRun.requireAcceptedStored(InboundMxSimulation.class, node, LOAD,
                    List.of(InboundMxLoad.DELIVERY + ": DATA", InboundMxLoad.GREYLISTED_RETRY + ": DATA"),
                    InboundMxLoad.MAILBOXES);

            assertTrue(run.passed("greylisted: RCPT") > 0, "the run had new senders, deferred with 451 4.7.1");
            assertTrue(run.passed("unknown: RCPT") > 0, "the run had unknown recipients, refused with 550 5.1.1");
        }
    }
}
