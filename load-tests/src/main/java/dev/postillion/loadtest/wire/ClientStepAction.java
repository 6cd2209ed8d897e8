package dev.postillion.loadtest.wire;

import io.gatling.core.action.Action;
import io.gatling.core.session.Session;
import java.util.concurrent.CompletableFuture;

/** Runs one {@link ClientStep} under the request's name, on the connection the user holds. */
public final class ClientStepAction<C extends Client, R extends Reply, K extends ConnectionComponents<C>>
        extends ProtocolAction {

    private final ClientStep<C, R, K> step;
    private final ReplyChecks<R> checks;
    private final K components;

    public ClientStepAction(String request, ClientStep<C, R, K> step, ReplyChecks<R> checks, K components, Action next) {
        super(request, components.statsEngine(), components.clock(), next);
        this.step = step;
        this.checks = checks;
        this.components = components;
    }

    @Override
    protected CompletableFuture<Session> perform(Session user) {
        RequestReports<R> reports = new RequestReports<>(components.statsEngine(), components.clock(), user);
        C client = components.clientOf(user);
        if (step.needsConnection() && (client == null || !client.isOpen())) {
            long now = reports.now();
            reports.failed(name(), now, now, "no open connection: log in first");
            return CompletableFuture.completedFuture(components.holding(reports.user(), null));
        }
        return step.run(client, name(), checks, reports, components)
                .thenApply(after -> components.holding(reports.user(), after));
    }
}
