package dev.postillion.loadtest.wire;

import io.gatling.core.session.Session;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * A step that is one exchange on the user's connection: {@code command} resolves its values from
 * the user's session and sends, and its reply is reported under the request's name.
 *
 * @param ends whether the connection closes after it (IMAP's LOGOUT, POP3's QUIT)
 */
public record CommandStep<C extends Client, R extends Reply, K extends ConnectionComponents<C>>(
        BiFunction<C, Session, CompletableFuture<R>> command, boolean ends) implements ClientStep<C, R, K> {

    @Override
    public CompletableFuture<C> run(C client, String request, ReplyChecks<R> checks, RequestReports<R> reports,
            K components) {
        long start = reports.now();
        return reports.report(request, start, command.apply(client, reports.user()), checks)
                .thenApply(ok -> ends ? null : client);
    }
}
