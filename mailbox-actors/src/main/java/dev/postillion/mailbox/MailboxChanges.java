package dev.postillion.mailbox;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * Tells the sessions reading a mailbox, on whichever node, that its mailbox actor wrote to it: IMAP
 * IDLE and the untagged updates of a selected folder (RFC 9051 section 5.2) come from here. Each
 * write of a mailbox is published on a cluster-wide topic, with the names of the folders it
 * changed; each node's registry passes it to its sessions watching that address, which read what
 * changed from the store. The topic delivers at most once: a session that misses a notice catches
 * up at its next command or notice, as it reads the folder's state, not the notice's.
 */
public final class MailboxChanges implements Extension {

    /** The mailbox of {@code address} (canonical form) was written; {@code folders} changed or went. */
    public record Changed(String address, List<String> folders) {}

    private sealed interface Command {}

    private record Watch(String address, ActorRef<Changed> listener, ActorRef<?> session) implements Command {}

    private record Ended(String address, ActorRef<?> session) implements Command {}

    private record Heard(Changed changed) implements Command {}

    private static final ExtensionId<MailboxChanges> ID = new ExtensionId<>() {
        @Override
        public MailboxChanges createExtension(ActorSystem<?> system) {
            return new MailboxChanges(system);
        }
    };

    private final ActorRef<Topic.Command<Changed>> topic;
    private final ActorRef<Command> registry;

    private MailboxChanges(ActorSystem<?> system) {
        topic = system.systemActorOf(Topic.create(Changed.class, "postillion-mailbox-changes"), "mailbox-changes",
                Props.empty());
        registry = system.systemActorOf(Behaviors.setup(context -> registry(context, topic)), "mailbox-watchers",
                Props.empty());
    }

    /** The node's instance, started with the first use. */
    public static MailboxChanges get(ActorSystem<?> system) {
        return ID.apply(system);
    }

    /** Tells every node that the mailbox of {@code address} changed these folders. */
    void published(String address, List<String> folders) {
        topic.tell(Topic.publish(new Changed(address, folders)));
    }

    /**
     * {@code notify} hears of every change to the mailbox of {@code address} until {@code session}
     * stops ({@code notify} may be its message adapter, which cannot be watched).
     */
    public void watch(String address, ActorRef<Changed> notify, ActorRef<?> session) {
        registry.tell(new Watch(address, notify, session));
    }

    private static Behavior<Command> registry(ActorContext<Command> context,
            ActorRef<Topic.Command<Changed>> topic) {
        Map<String, Map<ActorRef<?>, ActorRef<Changed>>> watchers = new HashMap<>();
        topic.tell(Topic.subscribe(context.messageAdapter(Changed.class, Heard::new)));
        return Behaviors.receive(Command.class)
                .onMessage(Watch.class, watch -> {
                    if (watchers.computeIfAbsent(watch.address(), address -> new HashMap<>())
                            .put(watch.session(), watch.listener()) == null) {
                        context.watchWith(watch.session(), new Ended(watch.address(), watch.session()));
                    }
                    return Behaviors.same();
                })
                .onMessage(Heard.class, message -> {
                    watchers.getOrDefault(message.changed().address(), Map.of()).values()
                            .forEach(notify -> notify.tell(message.changed()));
                    return Behaviors.same();
                })
                .onMessage(Ended.class, ended -> {
                    Map<ActorRef<?>, ActorRef<Changed>> ofAddress = watchers.get(ended.address());
                    if (ofAddress != null && ofAddress.remove(ended.session()) != null && ofAddress.isEmpty()) {
                        watchers.remove(ended.address());
                    }
                    return Behaviors.same();
                })
                .build();
    }
}
