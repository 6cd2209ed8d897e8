package dev.postillion.loadtest.wire;

import io.gatling.commons.util.Clock;
import io.gatling.core.action.Action;
import io.gatling.core.action.BlockExit;
import io.gatling.core.action.BlockExit$;
import io.gatling.core.session.Session;
import io.gatling.core.stats.StatsEngine;
import java.util.concurrent.CompletableFuture;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * A Gatling action of one of our protocols. Gatling runs {@link #execute} on the virtual user's
 * event loop; the action sends, and the user moves on to the next action when the replies are
 * in, on the same loop, without a thread waiting in between.
 */
public abstract class ProtocolAction implements Action {

    private static final com.typesafe.scalalogging.Logger LOG =
            com.typesafe.scalalogging.Logger.apply(LoggerFactory.getLogger(ProtocolAction.class));

    private final String name;
    private final StatsEngine statsEngine;
    private final Clock clock;
    private final Action next;

    protected ProtocolAction(String name, StatsEngine statsEngine, Clock clock, Action next) {
        this.name = name;
        this.statsEngine = statsEngine;
        this.clock = clock;
        this.next = next;
    }

    /**
     * Runs the action's requests for {@code user}.
     *
     * @return the user's session once all its requests are reported
     * @throws SessionValue.Unresolved before sending anything, when a value cannot be resolved
     */
    protected abstract CompletableFuture<Session> perform(Session user);

    @Override
    public String name() {
        return name;
    }

    /**
     * As Gatling's own request actions do: a user that must leave its block (a failed
     * {@code tryMax} or {@code exitBlockOnFail}) leaves it instead of sending.
     */
    @Override
    public void execute(Session user) {
        Option<BlockExit> exit = BlockExit$.MODULE$.mustExit(user);
        if (exit.isDefined()) {
            exit.get().exitBlock(statsEngine, clock.nowMillis());
            return;
        }
        CompletableFuture<Session> done;
        try {
            done = perform(user);
        } catch (SessionValue.Unresolved unresolved) {
            crashed(user, unresolved.getMessage());
            return;
        } catch (RuntimeException bug) {
            clientError(user, bug);
            return;
        }
        done.whenComplete((after, failure) -> {
            if (failure == null) {
                next.$bang(after);
            } else {
                clientError(user, failure);
            }
        });
    }

    /** A fault of this client, not of the server: logged, and the user goes on rather than hang. */
    private void clientError(Session user, Throwable bug) {
        LoggerFactory.getLogger(ProtocolAction.class).error("'{}' failed", name, bug);
        crashed(user, "client error");
    }

    /** The request could not be built or run: Gatling counts it as a crash, and the user goes on, failed. */
    private void crashed(Session user, String reason) {
        statsEngine.logRequestCrash(user.scenario(), user.groups(), name, reason);
        next.$bang(user.markAsFailed());
    }

    @Override
    public com.typesafe.scalalogging.Logger logger() {
        return LOG;
    }

    /** Scala's trait initialiser would set the logger; this class has its own. */
    @Override
    public void com$typesafe$scalalogging$StrictLogging$_setter_$logger_$eq(com.typesafe.scalalogging.Logger logger) {
        // the logger is LOG
    }
}
