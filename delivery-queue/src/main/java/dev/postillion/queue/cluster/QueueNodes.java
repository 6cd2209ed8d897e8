package dev.postillion.queue.cluster;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows which nodes serve their queue, from the receptionist's listing of {@link
 * QueueAdminService#KEY}, and publishes each change as a {@link Snapshot}. The listing forgets a
 * node once the cluster removes it; a node removed while unreachable (a crash, or cut off and downed
 * by the split-brain resolver) still has its spool on its disk, so it is remembered as down until a
 * node at its address serves again. The memory is this node's: a node started after the crash does
 * not know of it.
 */
final class QueueNodes {

    private static final Logger log = LoggerFactory.getLogger(QueueNodes.class);

    /**
     * The nodes as last heard of, by cluster address.
     *
     * @param reachable the services to ask
     * @param unreachable nodes the failure detector does not hear: not asked
     * @param down nodes removed while unreachable
     */
    record Snapshot(Map<String, ActorRef<QueueAdminService.Command>> reachable, Set<String> unreachable,
            Set<String> down) {

        static final Snapshot NONE = new Snapshot(Map.of(), Set.of(), Set.of());
    }

    private QueueNodes() {}

    static Behavior<Receptionist.Listing> create(String selfAddress, Consumer<Snapshot> publish) {
        return Behaviors.setup(context -> {
            context.getSystem().receptionist().tell(Receptionist.subscribe(QueueAdminService.KEY, context.getSelf()));
            return following(selfAddress, publish, Snapshot.NONE);
        });
    }

    private static Behavior<Receptionist.Listing> following(String selfAddress, Consumer<Snapshot> publish,
            Snapshot last) {
        return Behaviors.receive(Receptionist.Listing.class)
                .onMessage(Receptionist.Listing.class, listing -> {
                    Snapshot next = next(last, named(listing.getServiceInstances(QueueAdminService.KEY), selfAddress),
                            named(listing.getAllServiceInstances(QueueAdminService.KEY), selfAddress).keySet());
                    publish.accept(next);
                    return following(selfAddress, publish, next);
                })
                .build();
    }

    /** What the listing of {@code reachable} of {@code all} services means after {@code last}. */
    static Snapshot next(Snapshot last, Map<String, ActorRef<QueueAdminService.Command>> reachable, Set<String> all) {
        Set<String> unreachable = new TreeSet<>(all);
        unreachable.removeAll(reachable.keySet());
        Set<String> down = new TreeSet<>(last.down());
        for (String node : last.unreachable()) {
            if (!all.contains(node)) {
                log.warn("Node {} left the cluster unreachable: its queue waits on its disk until it comes back;"
                        + " the admin API reports it as down", node);
                down.add(node);
            }
        }
        down.removeAll(all);
        return new Snapshot(Map.copyOf(reachable), Set.copyOf(unreachable), Set.copyOf(down));
    }

    private static Map<String, ActorRef<QueueAdminService.Command>> named(
            Set<ActorRef<QueueAdminService.Command>> services, String selfAddress) {
        Map<String, ActorRef<QueueAdminService.Command>> named = new TreeMap<>();
        for (ActorRef<QueueAdminService.Command> service : services) {
            named.put(nodeOf(service, selfAddress), service);
        }
        return named;
    }

    /** The cluster address of the node of {@code service}: a local reference's path has none. */
    static String nodeOf(ActorRef<?> service, String selfAddress) {
        Address address = service.path().address();
        return address.hasGlobalScope() ? address.toString() : selfAddress;
    }
}
