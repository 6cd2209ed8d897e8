package dev.postillion.loadtest.simulation;

import static io.gatling.javaapi.core.CoreDsl.global;

import io.gatling.javaapi.core.Simulation;
import java.util.List;

/**
 * A soak: every workload at once for {@code load.duration}, 30 minutes unless it says otherwise
 * (seconds work), with {@code load.rate} new users per second shared among them as a provider's
 * MX sees it: {@value #MX_SHARE} inbound MX ({@link InboundMxLoad}), {@value #SUBMISSION_SHARE}
 * submission ({@link SubmissionLoad}) and {@value #ADMIN_SHARE} admin API ({@link AdminApiLoad}).
 *
 * <p>Assertions, as a long run is judged: at most {@value #MAX_ERROR_PERCENT}% of the requests
 * failed, and the 99th percentile of all response times within {@value Workload#P99_MILLIS} ms.
 */
public class MixedSoakSimulation extends Simulation {

    static final double MX_SHARE = 0.6;
    static final double SUBMISSION_SHARE = 0.3;
    static final double ADMIN_SHARE = 0.1;
    static final double MAX_ERROR_PERCENT = 0.1;
    private static final String DEFAULT_DURATION = "30m";

    // the load first: a mistyped load.* fails before a node is started for nothing
    private final Load load = Load.fromSystemProperties(DEFAULT_DURATION);
    private final Target target = Target.fromSystemProperties();
    private final Workload mx = new InboundMxLoad(target);
    private final Workload submission = new SubmissionLoad(target);
    private final Workload admin = new AdminApiLoad(target);

    {
        setUp(mx.population(load.share(MX_SHARE)), submission.population(load.share(SUBMISSION_SHARE)),
                admin.population(load.share(ADMIN_SHARE))).assertions(
                global().failedRequests().percent().lte(MAX_ERROR_PERCENT),
                global().responseTime().percentile(99.0).lt(Workload.P99_MILLIS));
    }

    @Override
    public void before() {
        List.of(mx, submission, admin).forEach(Workload::prepare);
    }

    @Override
    public void after() {
        target.close();
    }
}
