package dev.postillion.loadtest.simulation;

/** {@link SubmissionLoad}, submission load, on its own (see {@link OneWorkloadSimulation}). */
public class SubmissionSimulation extends OneWorkloadSimulation {

    public SubmissionSimulation() {
        super(SubmissionLoad::new);
    }
}
