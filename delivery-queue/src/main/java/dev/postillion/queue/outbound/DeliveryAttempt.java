package dev.postillion.queue.outbound;

import dev.postillion.queue.DeliveryRequest;
import dev.postillion.queue.RecipientOutcome;
import dev.postillion.queue.RecipientOutcome.Status;
import dev.postillion.queue.TransportSecurity;
import dev.postillion.queue.routing.MailHost;
import dev.postillion.queue.routing.NextHop;
import dev.postillion.queue.routing.Route;
import dev.postillion.queue.routing.RouteResolver;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One attempt to deliver one transaction's recipients to a next hop: over a cached connection if
 * the destination queue has one, else over a new connection to the first host and address that
 * will talk, in the order DNS gives them (RFC 5321 section 5.1). A cached connection the server
 * has dropped in the meantime is given up for a new one without a word to the recipients.
 */
final class DeliveryAttempt {

    /** How the attempt went at the connection level: what the concurrency window learns from it. */
    enum Contact {
        /** A server answered: the destination takes connections. */
        ANSWERED,
        /** No server could be reached or kept: connections failed. */
        FAILED,
        /** No connection was tried (DNS said no, or not now). */
        NONE
    }

    /**
     * @param outcomes one per recipient of the request
     * @param connection the connection the transaction completed on, for the cache (or QUIT)
     */
    record Result(List<RecipientOutcome> outcomes, Optional<OutboundConnection> connection, Contact contact) {}

    private record Address(MailHost host, InetAddress address) {}

    private final DeliveryRequest request;
    private final NextHop nextHop;
    private final OutboundClient client;
    private final RouteResolver routes;

    private DeliveryAttempt(DeliveryRequest request, NextHop nextHop, OutboundClient client, RouteResolver routes) {
        this.request = request;
        this.nextHop = nextHop;
        this.client = client;
        this.routes = routes;
    }

    /** The stage completes normally with an outcome for every recipient, unless there is a bug here. */
    static CompletionStage<Result> run(DeliveryRequest request, NextHop nextHop, Optional<OutboundConnection> cached,
            OutboundClient client, RouteResolver routes) {
        DeliveryAttempt attempt = new DeliveryAttempt(request, nextHop, client, routes);
        return cached.isPresent() ? attempt.overCachedConnection(cached.get()) : attempt.overNewConnection();
    }

    private CompletionStage<Result> overCachedConnection(OutboundConnection cached) {
        return cached.send(request).thenCompose(result -> {
            if (result instanceof TransactionResult.Unstarted) {
                cached.quit();
                return overNewConnection();
            }
            return CompletableFuture.completedFuture(ended(cached, result));
        });
    }

    private CompletionStage<Result> overNewConnection() {
        return routes.resolve(nextHop).thenCompose(route -> {
            if (route instanceof Route.Unroutable unroutable) {
                return finished(Verdict.local(Status.BOUNCED, "none", unroutable.dsn(), unroutable.reason()),
                        Contact.NONE);
            }
            if (route instanceof Route.Unresolved unresolved) {
                return finished(Verdict.local(Status.DEFERRED, "none", unresolved.dsn(), unresolved.reason()),
                        Contact.NONE);
            }
            List<Address> addresses = new ArrayList<>();
            for (MailHost host : ((Route.Hosts) route).hosts()) {
                host.addresses().forEach(address -> addresses.add(new Address(host, address)));
            }
            // RFC 3463 X.4.4: unable to route; should DNS give hosts without addresses.
            return tryFrom(addresses, 0, new OutboundClient.Session.Refused(Verdict.local(Status.DEFERRED, "none",
                    "4.4.4", "no address found for next hop " + nextHop), TransportSecurity.NONE));
        });
    }

    /**
     * Tries the addresses from {@code index} on until one opens a session. When none does, the
     * recipients are deferred with the last failure, as Postfix reports it.
     */
    private CompletionStage<Result> tryFrom(List<Address> addresses, int index,
            OutboundClient.Session.Refused lastFailure) {
        if (index == addresses.size()) {
            return finished(lastFailure, index == 0 ? Contact.NONE : Contact.FAILED);
        }
        Address next = addresses.get(index);
        return client.open(next.host(), next.address(), client.tlsLevel(nextHop)).thenCompose(session -> {
            if (session instanceof OutboundClient.Session.Refused refused) {
                return refused.verdict().status() == Status.DEFERRED
                        ? tryFrom(addresses, index + 1, refused)
                        : finished(refused, Contact.ANSWERED);
            }
            OutboundConnection connection = ((OutboundClient.Session.Ready) session).connection();
            return connection.send(request).thenApply(result -> ended(connection, result));
        });
    }

    private Result ended(OutboundConnection connection, TransactionResult result) {
        if (result instanceof TransactionResult.Completed completed) {
            return new Result(over(connection.security(), completed.outcomes()), Optional.of(connection),
                    Contact.ANSWERED);
        }
        if (result instanceof TransactionResult.Broken broken) {
            return new Result(over(connection.security(), broken.outcomes()), Optional.empty(), Contact.FAILED);
        }
        Verdict lost = ((TransactionResult.Unstarted) result).verdict();
        return new Result(over(connection.security(), lost.forRecipients(request.recipients())), Optional.empty(),
                Contact.FAILED);
    }

    private CompletionStage<Result> finished(Verdict verdict, Contact contact) {
        return finished(new OutboundClient.Session.Refused(verdict, TransportSecurity.NONE), contact);
    }

    private CompletionStage<Result> finished(OutboundClient.Session.Refused refused, Contact contact) {
        return CompletableFuture.completedFuture(new Result(
                over(refused.security(), refused.verdict().forRecipients(request.recipients())), Optional.empty(),
                contact));
    }

    private static List<RecipientOutcome> over(TransportSecurity security, List<RecipientOutcome> outcomes) {
        return outcomes.stream().map(outcome -> outcome.over(security)).toList();
    }
}
