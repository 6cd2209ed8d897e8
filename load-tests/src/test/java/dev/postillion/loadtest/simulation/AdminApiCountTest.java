package dev.postillion.loadtest.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The report's counts are true for the admin API: a short run of {@link AdminApiSimulation}
 * against a node started for it, its assertions holding, then the domain holds exactly as many
 * addresses as the report counts OK at "create address".
 */
class AdminApiCountTest {

    private static final Map<String, String> LOAD = Map.of("load.rate", "5", "load.duration", "3s");

    @Test
    void everyAddressTheReportCountsAsCreatedIsListed() throws Exception {
        try (Target node = Target.start()) {
            SimulationRun run = SimulationRun.of(AdminApiSimulation.class, node, LOAD);

            long created = run.passed(AdminApiLoad.CREATE_ADDRESS);
            assertTrue(created > 0, "the run created addresses");
            assertTrue(run.passed(AdminApiLoad.FLUSH_QUEUE) > 0, "the run flushed the queue");
            assertEquals(created, new AdminApi(node).addresses(AdminApiLoad.DOMAIN).size(),
                    "addresses of the domain, as many as the report counts OK at " + AdminApiLoad.CREATE_ADDRESS);
        }
    }
}
