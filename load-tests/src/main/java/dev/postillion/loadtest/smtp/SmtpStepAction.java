package dev.postillion.loadtest.smtp;

import dev.postillion.loadtest.wire.ReplyChecks;
import io.gatling.core.action.Action;
import io.gatling.core.session.Session;
import java.util.concurrent.CompletableFuture;

/** Runs one {@link SmtpStep} of a scripted dialogue under the request's name. */
final class SmtpStepAction extends SmtpAction {

    private final SmtpStep step;
    private final ReplyChecks<SmtpReply> checks;

    SmtpStepAction(String request, SmtpStep step, ReplyChecks<SmtpReply> checks, SmtpComponents components, Action next) {
        super(request, components, next);
        this.step = step;
        this.checks = checks;
    }

    @Override
    CompletableFuture<Session> perform(SmtpReports reports) {
        SmtpClient client = reports.components().clientOf(reports.user());
        if (step.needsConnection() && (client == null || !client.isOpen())) {
            long now = reports.now();
            reports.failed(name(), now, now, "no open connection: connect first");
            reports.holds(null);
            return CompletableFuture.completedFuture(reports.user());
        }
        return step.run(client, name(), checks, reports).thenApply(after -> {
            reports.holds(after);
            return reports.user();
        });
    }
}
