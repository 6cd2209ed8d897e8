package dev.postillion.queue.outbound;

import dev.postillion.queue.DeliveryRequest;
import dev.postillion.queue.RecipientOutcome;
import dev.postillion.queue.Transport;
import dev.postillion.queue.routing.NextHop;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Delivers to remote servers over SMTP: the recipients of a request go, grouped by next hop, to
 * that next hop's destination queue, at most {@code max-recipients-per-transaction} to a
 * transaction (Postfix's smtp_destination_recipient_limit), and their outcomes come back together.
 */
public final class RemoteTransport implements Transport {

    private final ActorRef<DestinationQueues.Command> destinations;
    private final Function<String, NextHop> nextHops;
    private final int maxRecipientsPerTransaction;

    /**
     * @param destinations the destination queues, spawned from {@link DestinationQueues#create}
     * @param nextHops where mail for a (lower-cased) domain goes next: the transport map
     */
    public RemoteTransport(ActorRef<DestinationQueues.Command> destinations, Function<String, NextHop> nextHops,
            int maxRecipientsPerTransaction) {
        this.destinations = destinations;
        this.nextHops = nextHops;
        this.maxRecipientsPerTransaction = maxRecipientsPerTransaction;
    }

    /** Every requested recipient must be remote; the outcomes come in no particular order. */
    @Override
    public CompletionStage<List<RecipientOutcome>> deliver(DeliveryRequest request) {
        Map<NextHop, List<Integer>> byNextHop = new LinkedHashMap<>();
        for (int recipient : request.recipients()) {
            String domain = request.envelope().recipients().get(recipient).address().domainKey();
            byNextHop.computeIfAbsent(nextHops.apply(domain), nextHop -> new ArrayList<>()).add(recipient);
        }
        List<CompletableFuture<List<RecipientOutcome>>> transactions = new ArrayList<>();
        byNextHop.forEach((nextHop, recipients) -> {
            for (int from = 0; from < recipients.size(); from += maxRecipientsPerTransaction) {
                List<Integer> some = recipients.subList(from, Math.min(recipients.size(), from + maxRecipientsPerTransaction));
                CompletableFuture<List<RecipientOutcome>> outcomes = new CompletableFuture<>();
                destinations.tell(new DestinationQueues.Deliver(nextHop,
                        new DeliveryRequest(request.id(), request.envelope(), some, request.content()), outcomes));
                transactions.add(outcomes);
            }
        });
        return CompletableFuture.allOf(transactions.toArray(CompletableFuture[]::new))
                .thenApply(done -> transactions.stream().flatMap(outcomes -> outcomes.join().stream()).toList());
    }

    /**
     * Stops remote delivery at shutdown: deliveries still waiting are deferred, running ones
     * finish, and every cached connection gets QUIT. Completes when all connections are closed.
     */
    public CompletionStage<Done> close() {
        CompletableFuture<Done> closed = new CompletableFuture<>();
        destinations.tell(new DestinationQueues.Close(closed));
        return closed;
    }
}
