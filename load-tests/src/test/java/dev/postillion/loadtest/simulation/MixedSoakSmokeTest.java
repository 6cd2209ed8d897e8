package dev.postillion.loadtest.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The soak, for seconds instead of half an hour, against a node started for it: its assertions
 * (error rate and 99th percentile) hold, every message the report counts as accepted on either
 * listener is in a mailbox and no other, and the admin domain holds the addresses it counts.
 */
class MixedSoakSmokeTest {

    private static final Map<String, String> LOAD = Map.of("load.rate", "10", "load.duration", "4s");

    @Test
    void everyWorkloadAtOnceKeepsItsCountsTrue() throws Exception {
        try (Target node = Target.start()) {
            SimulationRun run = SimulationRun.requireAcceptedStored(MixedSoakSimulation.class, node, LOAD,
                    List.of(InboundMxLoad.DELIVERY + ": DATA", InboundMxLoad.GREYLISTED_RETRY + ": DATA",
                            SubmissionLoad.SUBMISSION + ": DATA"),
                    Stream.concat(InboundMxLoad.MAILBOXES.stream(), SubmissionLoad.USERS.stream()).toList());

            assertEquals(run.passed(AdminApiLoad.CREATE_ADDRESS), new AdminApi(node).addresses(AdminApiLoad.DOMAIN).size(),
                    "addresses of the admin domain, as many as the report counts OK at " + AdminApiLoad.CREATE_ADDRESS);
        }
    }
}
