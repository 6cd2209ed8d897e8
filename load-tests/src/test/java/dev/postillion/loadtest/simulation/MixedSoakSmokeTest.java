package dev.postillion.loadtest.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The smoke run of {@code ./mvnw verify}: the soak, for seconds instead of half an hour, against a
 * node started for it, with its assertions (error rate and 99th percentile) enforced. Then the
 * report's counts must be true: every message it counts as accepted on either listener is in a
 * mailbox and no other, and the admin domain holds exactly the addresses it counts as created.
 * Every kind of user of every workload was in the run, each refusal checked where it is expected.
 */
class MixedSoakSmokeTest {

    /** Enough users in 4 s that every workload has its every-tenth kinds: the admin API gets 12. */
    private static final Map<String, String> LOAD = Map.of("load.rate", "30", "load.duration", "4s");

    @Test
    void everyWorkloadAtOnceKeepsItsCountsTrue() throws Exception {
        try (Target node = Target.start()) {
            SimulationRun run = SimulationRun.requireAcceptedStored(MixedSoakSimulation.class, node, LOAD,
                    List.of(InboundMxLoad.DELIVERY + ": DATA", InboundMxLoad.GREYLISTED_RETRY + ": DATA",
                            SubmissionLoad.SUBMISSION + ": DATA"),
                    Stream.concat(InboundMxLoad.MAILBOXES.stream(), SubmissionLoad.USERS.stream()).toList());

            assertEquals(run.passed(AdminApiLoad.CREATE_ADDRESS), new AdminApi(node).addresses(AdminApiLoad.DOMAIN).size(),
                    "addresses of the admin domain, as many as the report counts OK at " + AdminApiLoad.CREATE_ADDRESS);
            assertTrue(run.passed("greylisted: RCPT") > 0, "new senders, deferred with 451 4.7.1");
            assertTrue(run.passed("unknown: RCPT") > 0, "unknown recipients, refused with 550 5.1.1");
            assertTrue(run.passed(SubmissionLoad.IMPOSTOR + ": MAIL") > 0, "impostors, refused with 553 5.7.1");
            assertTrue(run.passed(AdminApiLoad.FLUSH_QUEUE) > 0, "queue flushes");
        }
    }
}
