package dev.postillion.loadtest.wire;

import java.util.concurrent.CompletableFuture;

/**
 * One step of a dialogue that a scenario times on its own: it resolves its values from the user's
 * session, sends its command(s) on the user's connection and reports the reply under the
 * request's name.
 *
 * @param <C> the protocol's client
 * @param <R> the protocol's reply
 * @param <K> the protocol's components
 */
public interface ClientStep<C extends Client, R extends Reply, K extends ConnectionComponents<C>> {

    /**
     * @param client the user's open connection; null only for a step that does not
     *        {@link #needsConnection()}
     * @return the client the user holds afterwards, null for none
     */
    CompletableFuture<C> run(C client, String request, ReplyChecks<R> checks, RequestReports<R> reports, K components);

    /** Whether the step runs only on an open connection (the steps that connect do not). */
    default boolean needsConnection() {
        return true;
    }
}
