package dev.postillion.queue.cluster;

import dev.postillion.core.QueueId;
import dev.postillion.queue.QueueAdmin;
import dev.postillion.queue.QueueEntry;
import dev.postillion.queue.QueueManager.Operation;
import dev.postillion.queue.QueueManager.OperationResult;
import dev.postillion.queue.cluster.NodeAnswer.Participation;
import dev.postillion.queue.cluster.QueueAdminService.Answer;
import dev.postillion.queue.cluster.QueueAdminService.Command;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The whole cluster's queue, as the admin API of any node shows it (ARCHITECTURE "Cluster"). Each
 * spool stays on its node; this asks every node's {@link QueueAdminService} and puts the answers
 * together: listings merged in queue id order, each message with its node; an operation done by
 * the node that has the message. Every result says how each node took part ({@link NodeAnswer}),
 * so that a node that is down shows as such, never as an empty queue.
 *
 * <p>A queue id does not say which node holds the message (its node tag is drawn at random by each
 * process), so a request about one message goes to every node; ids are unique, so at most one has it.
 * Nodes the failure detector does not hear are not asked: they are reported at once.
 */
public final class ClusterQueue {

    /** A queued message and the node whose spool holds it. */
    public record Located(String node, QueueEntry message) {}

    /** What a request to the whole cluster heard from each node, in the order of their addresses. */
    public interface Heard {
        List<NodeAnswer> nodes();

        /** The nodes whose part is missing from the result. */
        default List<NodeAnswer> silent() {
            return nodes().stream().filter(node -> !node.answered()).toList();
        }

        default boolean noneAnswered() {
            return nodes().stream().noneMatch(NodeAnswer::answered);
        }
    }

    /**
     * A page of the cluster's queue, in queue id (arrival) order.
     *
     * @param next where the next page starts, empty on the last page
     */
    public record Page(List<Located> messages, Optional<QueueId> next, List<NodeAnswer> nodes) implements Heard {}

    /** @param size the message's size as queued; -1 when no node that answered has it */
    public record Lookup(Optional<Located> message, long size, List<NodeAnswer> nodes) implements Heard {}

    /** @param result the owning node's; NOT_FOUND when no node that answered has the message */
    public record Outcome(OperationResult result, List<NodeAnswer> nodes) implements Heard {}

    public record Flushed(int retried, List<NodeAnswer> nodes) implements Heard {}

    /** One node's part in a request, and its answer if it gave one. */
    private record Reply(String node, Participation participation, Optional<Answer> answer) {

        /** What an ask of {@code node} completed with: its only failure is the timeout. */
        static Reply of(String node, Answer answer, Throwable failure) {
            if (failure != null) {
                return new Reply(node, Participation.TIMEOUT, Optional.empty());
            }
            return new Reply(node, answer instanceof QueueAdminService.Failed ? Participation.FAILED
                    : Participation.ANSWERED, Optional.of(answer));
        }
    }

    private final String self;
    private final ActorRef<Command> local;
    private final Scheduler scheduler;
    private final Duration timeout;
    private final Supplier<Set<String>> members;
    /** Written by the {@link QueueNodes} actor only; each request reads it once. */
    private volatile QueueNodes.Snapshot nodes = QueueNodes.Snapshot.NONE;

    private ClusterQueue(String self, ActorRef<Command> local, Scheduler scheduler, Duration timeout,
            Supplier<Set<String>> members) {
        this.self = self;
        this.local = local;
        this.scheduler = scheduler;
        this.timeout = timeout;
        this.members = members;
    }

    /**
     * Serves this node's queue to the cluster and follows the other nodes' services.
     *
     * @param selfAddress this node's cluster address, which names it in every answer
     * @param timeout how long a request waits for a node's answer
     * @param members the addresses of the cluster's members now, so that one whose queue service is
     *     not known here yet is reported rather than left out
     */
    public static ClusterQueue start(ActorSystem<?> system, QueueAdmin queue, String selfAddress, Duration timeout,
            Supplier<Set<String>> members) {
        ActorRef<Command> local = system.systemActorOf(QueueAdminService.create(queue), "queue-admin", Props.empty());
        ClusterQueue clusterQueue = new ClusterQueue(selfAddress, local, system.scheduler(), timeout, members);
        system.systemActorOf(QueueNodes.create(selfAddress, snapshot -> clusterQueue.nodes = snapshot), "queue-nodes",
                Props.empty());
        return clusterQueue;
    }

    /** The cluster's messages after {@code after} that match the filter, each node asked for {@code limit}. */
    public CompletionStage<Page> list(QueueAdmin.Filter filter, Optional<QueueId> after, int limit) {
        return askEveryNode(replyTo -> new QueueAdminService.ListQueue(filter, after, limit, replyTo))
                .thenApply(replies -> {
                    Map<String, QueueAdmin.Page> pages = new LinkedHashMap<>();
                    answers(replies, QueueAdminService.Listed.class).forEach((node, listed) ->
                            pages.put(node, listed.page()));
                    return merge(pages, limit, participation(replies));
                });
    }

    public CompletionStage<Lookup> message(QueueId id) {
        return askEveryNode(replyTo -> new QueueAdminService.Show(id, replyTo)).thenApply(replies ->
                answers(replies, QueueAdminService.Shown.class).entrySet().stream()
                        .filter(shown -> shown.getValue().message().isPresent())
                        .map(shown -> new Lookup(Optional.of(new Located(shown.getKey(),
                                shown.getValue().message().get())), shown.getValue().size(), participation(replies)))
                        .findFirst()
                        .orElseGet(() -> new Lookup(Optional.empty(), -1, participation(replies))));
    }

    public CompletionStage<Outcome> operate(QueueId id, Operation operation) {
        return askEveryNode(replyTo -> new QueueAdminService.Operate(id, operation, replyTo)).thenApply(replies ->
                new Outcome(answers(replies, QueueAdminService.Operated.class).values().stream()
                        .map(QueueAdminService.Operated::result)
                        .filter(result -> result != OperationResult.NOT_FOUND)
                        .findFirst().orElse(OperationResult.NOT_FOUND), participation(replies)));
    }

    /** Retries now, on every node, what {@link QueueAdmin#flush} retries. */
    public CompletionStage<Flushed> flush(Optional<String> domain) {
        return askEveryNode(replyTo -> new QueueAdminService.Flush(domain, replyTo)).thenApply(replies ->
                new Flushed(answers(replies, QueueAdminService.Flushed.class).values().stream()
                        .mapToInt(QueueAdminService.Flushed::retried).sum(), participation(replies)));
    }

    /**
     * Merges the nodes' pages. Each node's page holds all its matches up to its {@code next} (or all
     * of them, without one), so the merged listing is complete only up to the least of those: the
     * page ends there at the latest, so that the next one, which continues after it, misses nothing.
     */
    static Page merge(Map<String, QueueAdmin.Page> pages, int limit, List<NodeAnswer> nodes) {
        Optional<QueueId> completeUpTo = pages.values().stream().flatMap(page -> page.next().stream())
                .min(Comparator.naturalOrder());
        List<Located> merged = new ArrayList<>();
        pages.forEach((node, page) -> page.messages().stream()
                .filter(message -> completeUpTo.map(last -> message.id().compareTo(last) <= 0).orElse(true))
                .forEach(message -> merged.add(new Located(node, message))));
        merged.sort(Comparator.comparing(located -> located.message().id()));
        if (merged.size() > limit) {
            List<Located> page = List.copyOf(merged.subList(0, limit));
            return new Page(page, Optional.of(page.get(limit - 1).message().id()), nodes);
        }
        return new Page(List.copyOf(merged), completeUpTo, nodes);
    }

    /**
     * Asks this node and every reachable one; completes when each has answered or its time is up,
     * never with a failure. The nodes not asked are among the replies, without an answer.
     */
    private CompletionStage<List<Reply>> askEveryNode(Function<ActorRef<Answer>, Command> request) {
        QueueNodes.Snapshot known = nodes;
        Map<String, ActorRef<Command>> asked = new LinkedHashMap<>();
        // This node always: its own service is known before the receptionist lists it.
        asked.put(self, local);
        known.reachable().forEach(asked::putIfAbsent);
        List<CompletableFuture<Reply>> replies = new ArrayList<>();
        asked.forEach((node, service) -> replies.add(AskPattern.ask(service, request::apply, timeout, scheduler)
                .handle((answer, failure) -> Reply.of(node, answer, failure)).toCompletableFuture()));
        return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<Reply> all = new ArrayList<>(replies.stream().map(CompletableFuture::join).toList());
            notAsked(known.unreachable(), asked.keySet(), Participation.UNREACHABLE, all);
            notAsked(known.down(), asked.keySet(), Participation.DOWN, all);
            notAsked(members.get(), all.stream().map(Reply::node).collect(Collectors.toSet()),
                    Participation.UNLISTED, all);
            return all;
        });
    }

    private static void notAsked(Set<String> nodes, Set<String> reported, Participation participation,
            List<Reply> replies) {
        nodes.stream().filter(node -> !reported.contains(node))
                .forEach(node -> replies.add(new Reply(node, participation, Optional.empty())));
    }

    /** The answers of the nodes that gave one of {@code type}, by node. */
    private static <T extends Answer> Map<String, T> answers(List<Reply> replies, Class<T> type) {
        Map<String, T> answers = new LinkedHashMap<>();
        for (Reply reply : replies) {
            reply.answer().filter(type::isInstance).ifPresent(answer -> answers.put(reply.node(), type.cast(answer)));
        }
        return answers;
    }

    private static List<NodeAnswer> participation(List<Reply> replies) {
        return replies.stream().map(reply -> new NodeAnswer(reply.node(), reply.participation()))
                .sorted(Comparator.comparing(NodeAnswer::node)).toList();
    }
}
