package dev.postillion.loadtest.simulation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The report's counts are true for submission too: a short run of {@link SubmissionSimulation}
 * against a node started for it, impostors among its users refused at MAIL as its checks require,
 * then the users' mailboxes hold exactly the messages the report counts as accepted (OK at
 * "submission: DATA").
 */
class SubmissionCountTest {

    private static final Map<String, String> LOAD = Map.of("load.rate", "5", "load.duration", "3s");

    @Test
    void everyMessageTheReportCountsAsSubmittedIsInAUsersMailbox() throws Exception {
        try (Target node = Target.start()) {
            SimulationRun run = SimulationRun.requireAcceptedStored(SubmissionSimulation.class, node, LOAD,
                    List.of(SubmissionLoad.SUBMISSION + ": DATA"), SubmissionLoad.USERS);

            assertTrue(run.passed(SubmissionLoad.IMPOSTOR + ": MAIL") > 0, "the run had impostors, refused");
        }
    }
}
