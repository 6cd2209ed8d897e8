package dev.postillion.loadtest.smtp;

import io.gatling.commons.stats.KO$;
import io.gatling.commons.stats.OK$;
import io.gatling.commons.stats.Status;
import io.gatling.core.session.Session;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * The requests of one virtual user during one action: each is timed from its command's write to
 * its reply, checked, and written to Gatling's stats under its name, OK or KO with the server's
 * reply. Holds the user's session as checks save values into it and failures mark it.
 *
 * <p>Everything here runs on the user's event loop, where its connection's replies arrive.
 */
final class RequestReports {

    private static final Logger LOG = LoggerFactory.getLogger(RequestReports.class);

    private final SmtpComponents components;
    private Session user;

    RequestReports(SmtpComponents components, Session user) {
        this.components = components;
        this.user = user;
    }

    Session user() {
        return user;
    }

    SmtpComponents components() {
        return components;
    }

    long now() {
        return components.clock().nowMillis();
    }

    /**
     * Reports {@code reply} under {@code request} when it comes, or why none came.
     *
     * @param start when the command was written, from {@link #now()}
     * @return whether the reply passed its checks; never completes exceptionally for a failed
     *         connection, which is a KO like any other
     */
    CompletableFuture<Boolean> report(String request, long start, CompletableFuture<SmtpReply> reply, SmtpChecks checks) {
        return reply.handle((answer, failure) -> {
            long end = now();
            if (failure != null) {
                failed(request, start, end, reasonOf(failure));
                return false;
            }
            SmtpChecks.Verdict verdict = checks.verdict(answer, user);
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
    void failed(String request, long start, long end, String reason) {
        user = user.markAsFailed();
        log(request, start, end, KO$.MODULE$, null, reason);
    }

    private static String reasonOf(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof SmtpFailure smtp) {
            return smtp.getMessage();
        }
        LOG.error("SMTP request failed unexpectedly", cause);
        return "client error";
    }

    private void log(String request, long start, long end, Status status, SmtpReply reply, String message) {
        Option<String> code = reply == null ? Option.empty() : Option.apply(Integer.toString(reply.code()));
        components.statsEngine().logResponse(user.scenario(), user.groups(), request, start, end, status, code,
                Option.apply(message));
    }

    /** Keeps the client in the session while its connection is open. */
    void holds(SmtpClient client) {
        user = client != null && client.isOpen()
                ? SmtpComponents.withClient(user, client)
                : SmtpComponents.withoutClient(user);
    }
}
