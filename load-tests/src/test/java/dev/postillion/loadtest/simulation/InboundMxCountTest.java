package dev.postillion.loadtest.simulation;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The report's counts are true: a short run of {@link InboundMxSimulation} against a node started
 * for it, then every message the report counts as accepted (OK at "mx: DATA") is in a mailbox, and
 * no other.
 */
class InboundMxCountTest {

    private static final Map<String, String> LOAD = Map.of("load.rate", "5", "load.duration", "3s");

    @Test
    void everyMessageTheReportCountsAsAcceptedIsInAMailbox() throws Exception {
        try (Target node = Target.start()) {
            SimulationRun.requireAcceptedStored(InboundMxSimulation.class, node, LOAD,
                    InboundMxSimulation.DELIVERY + ": DATA", InboundMxSimulation.MAILBOXES);
        }
    }
}
