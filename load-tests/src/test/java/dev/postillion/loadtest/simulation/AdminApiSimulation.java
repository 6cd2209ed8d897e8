package dev.postillion.loadtest.simulation;

/** {@link AdminApiLoad}, admin API load, on its own (see {@link OneWorkloadSimulation}). */
public class AdminApiSimulation extends OneWorkloadSimulation {

    public AdminApiSimulation() {
        super(AdminApiLoad::new);
    }
}
