package dev.postillion.loadtest.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatling.app.Gatling$;
import io.gatling.charts.stats.GeneralStats;
import io.gatling.charts.stats.LogFileReader$;
import io.gatling.commons.stats.OK$;
import io.gatling.commons.stats.Status;
import io.gatling.core.config.GatlingConfiguration$;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import scala.Option;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The report's counts are true: a short run of {@link InboundMxSimulation} against a node started
 * for it, then every message the report counts as accepted (OK at "mx: DATA") is in a mailbox, and
 * no other.
 */
class InboundMxCountTest {

    private static final Duration DELIVERY = Duration.ofSeconds(30);
    private static final Map<String, String> LOAD = Map.of("load.rate", "5", "load.duration", "3s");

    @Test
    void everyMessageTheReportCountsAsAcceptedIsInAMailbox() throws Exception {
        try (Target node = Target.start()) {
            Map<String, String> properties = Map.of("target.smtp", node.smtp(), "target.admin", node.admin().toString(),
                    "target.token", node.token());
            properties.forEach(System::setProperty);
            LOAD.forEach(System::setProperty);
            Path results = Files.createTempDirectory(Files.createDirectories(Path.of("target", "gatling-test")), "inbound-")
                    .toAbsolutePath();
            try {
                int status = Gatling$.MODULE$.fromArgs(new String[] {
                    "-s", InboundMxSimulation.class.getName(), "-rf", results.toString(), "-nr"});
                assertEquals(0, status, "the simulation's assertions (printed above) hold");
            } finally {
                properties.keySet().forEach(System::clearProperty);
                LOAD.keySet().forEach(System::clearProperty);
            }

            long accepted = reportCount(results, InboundMxSimulation.DELIVERY + ": DATA", OK$.MODULE$);
            assertTrue(accepted > 0, "the run sent messages");
            AdminApi admin = new AdminApi(node);
            awaitEmptyQueue(admin);
            long stored = 0;
            for (String mailbox : InboundMxSimulation.MAILBOXES) {
                stored += admin.messagesIn(mailbox);
            }
            assertEquals(accepted, stored, "messages in the mailboxes, as many as the report counts accepted");
        }
    }

    /** The count the report shows for a request with that status: Gatling's own reading of simulation.log. */
    private static long reportCount(Path results, String request, Status status) throws Exception {
        Path run;
        try (Stream<Path> runs = Files.list(results)) {
            run = runs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        var configuration = GatlingConfiguration$.MODULE$.loadForTest(
                CollectionConverters.asScala(List.<Tuple2<String, ?>>of()).toSeq());
        Option<GeneralStats> stats = LogFileReader$.MODULE$.apply(run.getFileName().toString(), results, configuration)
                .read().requestGeneralStats(Option.apply(request), Option.empty(), Option.apply(status));
        return stats.isDefined() ? stats.get().count() : 0;
    }

    /** Accepted is spooled: the count is final once local delivery has emptied the queue. */
    private static void awaitEmptyQueue(AdminApi admin) {
        Instant deadline = Instant.now().plus(DELIVERY);
        while (!admin.queueEmpty()) {
            assertTrue(Instant.now().isBefore(deadline), "the queue emptied within " + DELIVERY);
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
    }
}
