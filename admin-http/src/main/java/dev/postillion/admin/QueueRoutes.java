package dev.postillion.admin;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.QueueId;
import dev.postillion.queue.QueueAdmin;
import dev.postillion.queue.QueueAdmin.State;
import dev.postillion.queue.QueueManager.Operation;
import dev.postillion.queue.QueueManager.OperationResult;
import dev.postillion.queue.QueueEntry;
import dev.postillion.queue.cluster.ClusterQueue;
import dev.postillion.queue.cluster.ClusterQueue.Located;
import dev.postillion.queue.cluster.NodeAnswer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /api/v1/queue}: the spool as the operator sees it (Postfix's mailq) and what can be done
 * to a message (postqueue -i/-f, postsuper -h/-H/-d, and returning it to its sender), for the
 * whole cluster: each message shows its node, each answer the nodes whose part is missing, and a
 * message that may be on a node that does not answer is never reported as not queued.
 */
final class QueueRoutes extends AllDirectives {

    private static final String QUEUE = "/api/v1/queue";
    private static final String MESSAGE = QUEUE + "/{id}";
    private static final int DEFAULT_PAGE = 100;
    private static final int MAX_PAGE = 1000;

    private final ClusterQueue queue;

    QueueRoutes(ClusterQueue queue) {
        this.queue = queue;
    }

    List<Endpoint> endpoints() {
        return List.of(
                Endpoint.get(QUEUE, "listQueue", p -> parameterMap(this::list)),
                Endpoint.post(QUEUE + "/flush", "flushQueue", p -> parameterOptional("domain", this::flush)),
                Endpoint.get(MESSAGE, "getQueuedMessage", p -> show(queueId(p.get("id")))),
                Endpoint.delete(MESSAGE, "deleteQueuedMessage", p -> operate(p, Operation.DELETE)),
                Endpoint.post(MESSAGE + "/retry", "retryQueuedMessage", p -> operate(p, Operation.RETRY)),
                Endpoint.post(MESSAGE + "/hold", "holdQueuedMessage", p -> operate(p, Operation.HOLD)),
                Endpoint.post(MESSAGE + "/release", "releaseQueuedMessage", p -> operate(p, Operation.RELEASE)),
                Endpoint.post(MESSAGE + "/bounce", "bounceQueuedMessage", p -> operate(p, Operation.BOUNCE)));
    }

    private Route list(Map<String, String> parameters) {
        QueueAdmin.Filter filter = new QueueAdmin.Filter(
                Optional.ofNullable(parameters.get("state")).map(QueueRoutes::state),
                Optional.ofNullable(parameters.get("domain")).map(d -> d.toLowerCase(Locale.ROOT)),
                Optional.ofNullable(parameters.get("sender")).map(QueueRoutes::sender));
        Optional<QueueId> after = Optional.ofNullable(parameters.get("after")).map(QueueRoutes::queueId);
        int limit = (int) Math.min(AdminRoutes.longParameter(parameters, "limit", DEFAULT_PAGE), MAX_PAGE);
        if (limit == 0) {
            throw ApiError.badRequest("parameter 'limit' must be at least 1");
        }
        return completeWithFuture(queue.list(filter, after, limit).thenApply(page -> {
            if (page.noneAnswered()) {
                return unanswered(cannotBeRead(page.silent()));
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("messages", page.messages().stream().map(QueueRoutes::messageJson).toList());
            json.put("next", page.next().map(QueueId::toString).orElse(null));
            json.put("nodes", nodesJson(page.nodes()));
            return Json.response(StatusCodes.OK, json);
        }).exceptionally(AdminRoutes::errorResponse));
    }

    private Route show(QueueId id) {
        return completeWithFuture(queue.message(id).thenApply(lookup -> {
            if (lookup.message().isEmpty()) {
                return notQueued(id, lookup.silent());
            }
            Map<String, Object> json = messageJson(lookup.message().get());
            json.put("size", lookup.size());
            return Json.response(StatusCodes.OK, json);
        }).exceptionally(AdminRoutes::errorResponse));
    }

    private Route operate(Map<String, String> parameters, Operation operation) {
        QueueId id = queueId(parameters.get("id"));
        return completeWithFuture(queue.operate(id, operation).thenApply(outcome ->
                outcome.result() == OperationResult.NOT_FOUND ? notQueued(id, outcome.silent())
                        : operationResponse(id, outcome.result())).exceptionally(AdminRoutes::errorResponse));
    }

    static HttpResponse operationResponse(QueueId id, OperationResult result) {
        return switch (result) {
            case DONE -> HttpResponse.create().withStatus(StatusCodes.NO_CONTENT);
            case NOT_FOUND -> Json.error(StatusCodes.NOT_FOUND, "no message " + id + " in the queue");
            case ON_HOLD -> Json.error(StatusCodes.CONFLICT, "message " + id + " is on hold; release it first");
            // Our fault, and the queue manager logged its cause with the queue id.
            case NOT_WRITTEN -> Json.error(StatusCodes.SERVICE_UNAVAILABLE,
                    "the queue could not record the change to message " + id + "; nothing was done, try again");
        };
    }

    private Route flush(Optional<String> domain) {
        return completeWithFuture(queue.flush(domain.map(d -> d.toLowerCase(Locale.ROOT))).thenApply(flushed -> {
            if (flushed.noneAnswered()) {
                return unanswered("nothing was retried: " + cannotBeRead(flushed.silent()));
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("retried", flushed.retried());
            json.put("nodes", nodesJson(flushed.nodes()));
            return Json.response(StatusCodes.OK, json);
        }).exceptionally(AdminRoutes::errorResponse));
    }

    /**
     * 404 only when every node answered without the message: one that did not answer may have it,
     * so then the answer is 503, naming it (our fault, and temporary: try again).
     */
    static HttpResponse notQueued(QueueId id, List<NodeAnswer> silent) {
        if (silent.isEmpty()) {
            return operationResponse(id, OperationResult.NOT_FOUND);
        }
        return unanswered("message " + id + " is on no node that answered, but may be on "
                + nodes(silent) + ", whose queue cannot be read now; try again");
    }

    private static HttpResponse unanswered(String error) {
        return Json.error(StatusCodes.SERVICE_UNAVAILABLE, error);
    }

    private static String cannotBeRead(List<NodeAnswer> silent) {
        return (silent.size() == 1 ? "the queue of " : "the queues of ") + nodes(silent)
                + " cannot be read now; try again";
    }

    /** The nodes that did not answer and why: "node pekko://postillion@10.0.0.2:25520 (unreachable)". */
    private static String nodes(List<NodeAnswer> silent) {
        return (silent.size() == 1 ? "node " : "nodes ") + String.join(", ", silent.stream()
                .map(node -> node.node() + " (" + node.participation().apiName() + ")").toList());
    }

    private static List<Map<String, Object>> nodesJson(List<NodeAnswer> nodes) {
        return nodes.stream().map(node -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("node", node.node());
            json.put("answered", node.answered());
            json.put("reason", node.answered() ? null : node.participation().apiName());
            return json;
        }).toList();
    }

    private static Map<String, Object> messageJson(Located located) {
        QueueEntry message = located.message();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", message.id().toString());
        json.put("state", message.state().apiName());
        json.put("sender", message.sender().map(EmailAddress::toString).orElse(""));
        json.put("arrival", message.arrival().toString());
        json.put("attempts", message.attempts());
        json.put("nextAttempt", message.nextAttempt().map(Instant::toString).orElse(null));
        json.put("delayWarningSent", message.delayWarningSent());
        List<Map<String, Object>> recipients = new ArrayList<>();
        for (QueueEntry.Recipient entry : message.recipients()) {
            Map<String, Object> recipient = new LinkedHashMap<>();
            recipient.put("address", entry.address().toString());
            recipient.put("state", entry.progress().apiName());
            recipient.put("attempts", entry.attempts());
            recipient.put("lastResult", entry.lastResult().orElse(null));
            recipients.add(recipient);
        }
        json.put("recipients", recipients);
        json.put("node", located.node());
        // Known from the record; a message's own answer reads the content of one queued before sizes.
        json.put("size", message.size().isPresent() ? message.size().getAsLong() : null);
        return json;
    }

    private static QueueId queueId(String text) {
        try {
            return QueueId.parse(text);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("'" + text + "' is not a queue id: " + e.getMessage());
        }
    }

    private static State state(String text) {
        for (State state : State.values()) {
            if (state.apiName().equals(text)) {
                return state;
            }
        }
        throw ApiError.badRequest("parameter 'state' must be active, deferred or hold, not '" + text + "'");
    }

    private static String sender(String text) {
        if (text.equals("<>") || text.isEmpty()) {
            return "<>";
        }
        try {
            return EmailAddress.parse(text, true).key();
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("parameter 'sender' is not an address: " + e.getMessage());
        }
    }
}
