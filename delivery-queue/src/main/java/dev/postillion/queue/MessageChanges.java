package dev.postillion.queue;

import dev.postillion.core.Store.Durability;
import dev.postillion.queue.QueueManager.Command;
import dev.postillion.queue.QueueManager.Commit;
import dev.postillion.queue.QueueManager.OperationResult;
import dev.postillion.queue.QueueManager.Settled;
import dev.postillion.queue.Settlement.Request;
import dev.postillion.queue.SpoolStore.Due;
import dev.postillion.queue.SpoolStore.QueuedMessage;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * Writes the queue manager's changes to messages into the spool, an attempt's settlement or an
 * operator's command, one batch each. The message is busy until its change is in the store or has
 * failed, which the manager hears as {@link Settled}. Used on the queue manager's thread only.
 */
final class MessageChanges {

    private final ActorContext<Command> context;
    private final SpoolStore spool;
    private final Settlement settlement;
    private final Clock clock;
    private final BusyMessages busy;

    MessageChanges(ActorContext<Command> context, SpoolStore spool, Settlement settlement, Clock clock,
            BusyMessages busy) {
        this.context = context;
        this.spool = spool;
        this.settlement = settlement;
        this.clock = clock;
        this.busy = busy;
    }

    /** Settles an attempt, or an operator's request outside one ({@code outcomes} empty). */
    void settle(QueuedMessage message, byte[] content, List<RecipientOutcome> outcomes, Request request,
            List<ActorRef<OperationResult>> operators) {
        SpoolStore.Change change = spool.change();
        Settlement.Result result = settlement.settle(message, content, outcomes, request, clock.millis(), change);
        List<Due> written = new ArrayList<>();
        result.spooled().forEach(report ->
                written.add(new Due(report.envelope().arrival().toEpochMilli(), report.id())));
        if (result.nextDue() != 0) {
            // Announced once committed, as every entry written: a read of the schedule in between may
            // pass over the new entry while the message is still settling, and not come back to it.
            written.add(new Due(result.nextDue(), message.id()));
        }
        commit(message, change, written, operators);
    }

    /**
     * Commits a change to the message that writes the schedule entries {@code written}; the
     * operators hear whether it landed. Buffered: if a crash loses the change, the message is
     * attempted again, which delivery makes idempotent.
     */
    void commit(QueuedMessage message, SpoolStore.Change change, List<Due> written,
            List<ActorRef<OperationResult>> operators) {
        Commit commit = new Commit(message.id(), scheduled(message), written, operators);
        busy.add(commit.id());
        context.pipeToSelf(spool.commit(change, Durability.BUFFERED), (ok, failure) -> new Settled(commit, failure));
    }

    /** The message's schedule entry; none while it is on hold. */
    private static Due scheduled(QueuedMessage message) {
        return message.state().getHeld() ? null : new Due(message.due(), message.id());
    }
}
