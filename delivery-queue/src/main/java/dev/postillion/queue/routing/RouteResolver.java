package dev.postillion.queue.routing;

import java.util.concurrent.CompletionStage;

/** Resolves a next hop to the hosts to try, asynchronously; never blocks the caller. */
public interface RouteResolver {

    /** The stage always completes normally: DNS failures are {@link Route.Unresolved}. */
    CompletionStage<Route> resolve(NextHop nextHop);
}
