package dev.postillion.loadtest.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.loadtest.GatlingInThisJvm;
import io.gatling.charts.stats.GeneralStats;
import io.gatling.charts.stats.LogFileData;
import io.gatling.charts.stats.LogFileReader$;
import io.gatling.commons.stats.OK$;
import io.gatling.core.config.GatlingConfiguration$;
import io.gatling.javaapi.core.Simulation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import scala.Option;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A simulation run in this JVM against a node the test started, as {@code gatling:test} runs one
 * against a running node (the {@code target.*} and {@code load.*} properties), with its
 * assertions enforced; then what its report counts, read from simulation.log by Gatling's own
 * reader, against what the mailboxes hold.
 */
final class SimulationRun {

    /** How long local delivery may take to empty the queue after a run. */
    private static final Duration DELIVERY = Duration.ofSeconds(30);

    /** The run's simulation.log as Gatling's report reads it, read once for every count asked of it. */
    private final LogFileData log;

    private SimulationRun(LogFileData log) {
        this.log = log;
    }

    /** Runs the simulation for the load ({@code load.rate}, {@code load.duration}) and requires its assertions to hold. */
    static SimulationRun of(Class<? extends Simulation> simulation, Target node, Map<String, String> load)
            throws IOException {
        Map<String, String> properties = new HashMap<>(load);
        properties.putAll(Map.of("target.smtp", node.smtp(), "target.submission", node.submission(),
                "target.admin", node.admin().toString(), "target.token", node.token()));
        node.greylistRetry().ifPresent(retry -> properties.put("target.greylist-retry", retry.toMillis() + "ms"));
        Path results = GatlingInThisJvm.requirePassing(simulation, properties);
        Path run;
        try (Stream<Path> runs = Files.list(results)) {
            run = runs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        var configuration = GatlingConfiguration$.MODULE$.loadForTest(
                CollectionConverters.asScala(List.<Tuple2<String, ?>>of()).toSeq());
        return new SimulationRun(LogFileReader$.MODULE$.apply(run.getFileName().toString(), results, configuration).read());
    }

    /**
     * Runs the simulation, then requires the report's count to be true: once the queue is empty,
     * the mailboxes hold exactly as many messages as the report counts OK at the {@code accepted}
     * requests together (and it counts some at each).
     */
    static SimulationRun requireAcceptedStored(Class<? extends Simulation> simulation, Target node,
            Map<String, String> load, List<String> accepted, List<String> mailboxes) throws IOException {
        SimulationRun run = of(simulation, node, load);
        long count = 0;
        for (String request : accepted) {
            long passed = run.passed(request);
            assertTrue(passed > 0, "the run had messages accepted at " + request);
            count += passed;
        }
        AdminApi admin = new AdminApi(node);
        admin.awaitEmptyQueue(DELIVERY);
        assertEquals(count, admin.messagesIn(mailboxes), "messages in the mailboxes, as many as the report counts OK at "
                + String.join(" and ", accepted));
        return run;
    }

    /** How many requests of that name the report counts OK. */
    long passed(String request) {
        Option<GeneralStats> stats = log.requestGeneralStats(Option.apply(request), Option.empty(),
                Option.apply(OK$.MODULE$));
        return stats.isDefined() ? stats.get().count() : 0;
    }
}
