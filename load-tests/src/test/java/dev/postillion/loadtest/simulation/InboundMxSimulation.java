package dev.postillion.loadtest.simulation;

/** {@link InboundMxLoad}, inbound MX load, on its own (see {@link OneWorkloadSimulation}). */
public class InboundMxSimulation extends OneWorkloadSimulation {

    public InboundMxSimulation() {
        super(InboundMxLoad::new);
    }
}
