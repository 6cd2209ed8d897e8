package dev.postillion.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gatling.app.Gatling$;
import io.gatling.javaapi.core.Simulation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs a simulation in the test's JVM, as {@code gatling:test} runs it in its own, with the system
 * properties it reads, and requires its assertions to hold; the simulation.log, without the HTML
 * report, goes to a directory of its own under {@code target/gatling-test}.
 */
public final class GatlingInThisJvm {

    private GatlingInThisJvm() {}

    /** @return the results directory, which holds the run's directory with its simulation.log */
    public static Path requirePassing(Class<? extends Simulation> simulation, Map<String, String> properties)
            throws IOException {
        Path results = Files.createTempDirectory(Files.createDirectories(Path.of("target", "gatling-test")),
                simulation.getSimpleName() + "-").toAbsolutePath();
        properties.forEach(System::setProperty);
        try {
            int status = Gatling$.MODULE$.fromArgs(new String[] {
                "-s", simulation.getName(), "-rf", results.toString(), "-nr"});
            assertEquals(0, status, "the simulation's assertions (printed above) hold");
        } finally {
            properties.keySet().forEach(System::clearProperty);
        }
        return results;
    }
}
