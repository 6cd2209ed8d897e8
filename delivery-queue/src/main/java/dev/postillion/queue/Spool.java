package dev.postillion.queue;

import dev.postillion.core.Envelope;
import dev.postillion.core.QueueId;
import dev.postillion.core.QueueIdGenerator;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Where every message enters the queue (the job of Postfix's cleanup(8)): SMTP sessions, and
 * later reports, replies and forwards. {@link #accept} returns once the message is durable; the
 * queue manager then takes over its delivery.
 */
public final class Spool {

    private final SpoolStore store;
    private final QueueIdGenerator ids;
    private final ActorRef<QueueManager.Command> queueManager;

    public Spool(SpoolStore store, QueueIdGenerator ids, ActorRef<QueueManager.Command> queueManager) {
        this.store = store;
        this.ids = ids;
        this.queueManager = queueManager;
    }

    /** A fresh id, taken before the content is complete so that the Received header can name it. */
    public QueueId newId() {
        return ids.next();
    }

    /**
     * Commits the message with a synced WAL and hands it to the queue manager. When the stage
     * completes normally, the message survives a crash; it is what a 250 reply promises.
     */
    public CompletionStage<Void> accept(QueueId id, Envelope envelope, byte[] content) {
        return store.accept(id, envelope, content)
                .thenRun(() -> queueManager.tell(new QueueManager.Enqueue(id, envelope, content)));
    }
}
