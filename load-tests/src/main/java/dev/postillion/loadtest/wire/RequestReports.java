package dev.postillion.loadtest.wire;

import io.gatling.commons.stats.KO$;
import io.gatling.commons.stats.OK$;
import io.gatling.commons.stats.Status;
import io.gatling.commons.util.Clock;
import io.gatling.core.session.Session;
import io.gatling.core.stats.StatsEngine;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * The requests of one virtual user during one action: each is timed from its command's write to
 * its reply, checked, and written to Gatling's stats under its name, OK or KO with the server's
 * reply. Holds the user's session as checks save values into it and failures mark it.
 *
 * <p>Everything here runs on the user's event loop, where its connection's replies arrive.
 *
 * @param <R> the protocol's reply
 */
public class RequestReports<R extends Reply> {

    private static final Logger LOG = LoggerFactory.getLogger(RequestReports.class);

    private final StatsEngine statsEngine;
    private final Clock clock;
    private Session user;

    public RequestReports(StatsEngine statsEngine, Clock clock, Session user) {
        this.statsEngine = statsEngine;
        this.clock = clock;
        this.user = user;
    }

    public final Session user() {
        return user;
    }

    public final long now() {
        return clock.nowMillis();
    }

    /**
     * Reports {@code reply} under {@code request} when it comes, or why none came.
     *
     * @param start when the command was written, from {@link #now()}
     * @return whether the reply passed its checks; never completes exceptionally for a failed
     *         connection, which is a KO like any other
     */
    public final CompletableFuture<Boolean> report(String request, long start, CompletableFuture<R> reply,
            ReplyChecks<R> checks) {
        return reply.handle((answer, failure) -> {
            long end = now();
            if (failure != null) {
                failed(request, start, end, reasonOf(failure));
                return false;
            }
            ReplyChecks.Verdict verdict = checks.verdict(answer, user);
            user = verdict.user();
            if (verdict.ok()) {
                log(request, start, end, OK$.MODULE$, answer, null);
                return true;
            }
            user = user.markAsFailed();
            log(request, start, end, KO$.MODULE$, answer, verdict.failure());
            return false;
        });
    }

    /** A request that could not be made at all, e.g. with no connection open. */
    public final void failed(String request, long start, long end, String reason) {
        user = user.markAsFailed();
        log(request, start, end, KO$.MODULE$, null, reason);
    }

    /** Changes the user's session, e.g. to keep its connection in it. */
    protected final void update(UnaryOperator<Session> change) {
        user = change.apply(user);
    }

    private static String reasonOf(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof RequestFailure known) {
            return known.getMessage();
        }
        LOG.error("request failed unexpectedly", cause);
        return "client error";
    }

    private void log(String request, long start, long end, Status status, R reply, String message) {
        Option<String> code = reply == null ? Option.empty() : Option.apply(reply.status());
        statsEngine.logResponse(user.scenario(), user.groups(), request, start, end, status, code, Option.apply(message));
    }
}
