package dev.postillion.loadtest.simulation;

import static io.gatling.javaapi.core.CoreDsl.global;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.PopulationBuilder;
import java.util.List;

/**
 * One kind of load on a Postillion node: what its users need on the node, and the users. A
 * simulation runs one workload ({@link InboundMxSimulation}, {@link SubmissionSimulation}, {@link
 * AdminApiSimulation}) or all of them at once ({@link MixedSoakSimulation}).
 */
interface Workload {

    /** The 99th percentile of a request's response time a run of one workload asserts. */
    int P99_MILLIS = 5_000;

    /** Creates on the node what the users need (a domain, its addresses): the simulation's {@code before()}. */
    void prepare();

    /** {@code load.rate} new users per second for {@code load.duration}, on the workload's protocol. */
    PopulationBuilder population(Load load);

    /**
     * The assertions of a run of one workload: no request failed (a refusal the workload expects is a
     * passed check), and every request's 99th percentile within {@value #P99_MILLIS} ms.
     */
    static List<Assertion> noFailures() {
        return List.of(global().failedRequests().count().is(0L), global().responseTime().percentile(99.0).lt(P99_MILLIS));
    }
}
