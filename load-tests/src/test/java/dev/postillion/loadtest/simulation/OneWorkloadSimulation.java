package dev.postillion.loadtest.simulation;

import io.gatling.javaapi.core.Simulation;
import java.util.function.Function;

/**
 * A simulation of one {@link Workload}: {@code load.rate} new users per second for {@code
 * load.duration} (see {@link Load}) against the node the {@code target.*} properties name, or one
 * started for the run (see {@link Target}), asserting {@link Workload#noFailures()}.
 */
abstract class OneWorkloadSimulation extends Simulation {

    private final Target target;
    private final Workload workload;

    OneWorkloadSimulation(Function<Target, Workload> kind) {
        // the load first: a mistyped load.* fails before a node is started for nothing
        Load load = Load.fromSystemProperties();
        target = Target.fromSystemProperties();
        workload = kind.apply(target);
        setUp(workload.population(load)).assertions(Workload.noFailures());
    }

    @Override
    public void before() {
        workload.prepare();
    }

    @Override
    public void after() {
        target.close();
    }
}
