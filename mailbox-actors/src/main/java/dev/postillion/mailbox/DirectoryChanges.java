package dev.postillion.mailbox;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * Tells every node of the cluster when one of them writes a change to the directory, so that the
 * others drop the records they cached ({@link DirectoryCache}) and answer the next RCPT or AUTH
 * from the shared store: an address created through one node is known on all at once, a password
 * changed through one is no longer accepted by the others. Pekko's cluster-wide topic, at most
 * once; a notice lost in a partition leaves a node answering from its cache, never writing from
 * it, since changes commit only if what they read still holds ({@link ChangeReads}).
 */
public final class DirectoryChanges {

    /** A node wrote a change to the directory. */
    public record Changed() {}

    private DirectoryChanges() {}

    /** Publishes {@code directory}'s changes to the cluster and drops its cache on anyone's. */
    public static void start(ActorSystem<?> system, Directory directory) {
        ActorRef<Topic.Command<Changed>> topic = system.systemActorOf(
                Topic.create(Changed.class, "postillion-directory-changes"), "directory-changes", Props.empty());
        ActorRef<Changed> listener = system.systemActorOf(Behaviors.receive(Changed.class)
                .onMessage(Changed.class, changed -> {
                    directory.forgetCached();
                    return Behaviors.same();
                }).build(), "directory-changes-listener", Props.empty());
        topic.tell(Topic.subscribe(listener));
        directory.onChangeWritten(() -> topic.tell(Topic.publish(new Changed())));
    }
}
