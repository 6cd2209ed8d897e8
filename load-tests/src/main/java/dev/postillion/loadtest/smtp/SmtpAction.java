package dev.postillion.loadtest.smtp;

import dev.postillion.loadtest.wire.ProtocolAction;
import io.gatling.core.action.Action;
import io.gatling.core.session.Session;
import java.util.concurrent.CompletableFuture;

/** A Gatling action of the SMTP protocol: its requests are reported through {@link SmtpReports}. */
abstract class SmtpAction extends ProtocolAction {

    private final SmtpComponents components;

    SmtpAction(String name, SmtpComponents components, Action next) {
        super(name, components.statsEngine(), components.clock(), next);
        this.components = components;
    }

    /** Runs the action's requests for {@code reports.user()}; see {@link ProtocolAction#perform(Session)}. */
    abstract CompletableFuture<Session> perform(SmtpReports reports);

    @Override
    protected final CompletableFuture<Session> perform(Session user) {
        return perform(new SmtpReports(components, user));
    }

    SmtpComponents components() {
        return components;
    }
}
